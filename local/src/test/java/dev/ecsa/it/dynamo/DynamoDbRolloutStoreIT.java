package dev.ecsa.it.dynamo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.fleet.Admission;
import dev.ecsa.core.fleet.Rollout;
import dev.ecsa.core.fleet.RolloutPlanner;
import dev.ecsa.core.fleet.RolloutStatus;
import dev.ecsa.core.fleet.RolloutTarget;
import dev.ecsa.core.fleet.RolloutValidator;
import dev.ecsa.core.fleet.TargetRun;
import dev.ecsa.local.dynamo.DynaliteExtension;
import dev.ecsa.local.dynamo.DynaliteServer;
import dev.ecsa.store.DynamoDbRolloutStore;
import dev.ecsa.store.InventoryTable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Rollout records in dynalite: the whole record round-trips, writes are conditional, the listing is newest first. */
@ExtendWith(DynaliteExtension.class)
class DynamoDbRolloutStoreIT {

    private static final Instant T = Instant.parse("2026-12-07T10:00:00Z");
    private static DynamoDbClient dynamo;
    private DynamoDbRolloutStore store;

    @BeforeAll
    static void client(DynaliteServer server) {
        dynamo = BenchDynamo.client(server);
    }

    @AfterAll
    static void closeClient() {
        dynamo.close();
    }

    @BeforeEach
    void newTable() {
        String table = "rollouts-" + UUID.randomUUID().toString().substring(0, 8);
        InventoryTable.ensure(dynamo, table, Duration.ofSeconds(10));
        store = new DynamoDbRolloutStore(dynamo, table);
    }

    /** A planned rollout of {@code n} nodes with every kind of field filled. */
    private static Rollout rollout(String id, int n, Instant at) {
        Map<String, Object> body = Map.of("action", "rollout", "requestId", id, "requestedBy", "alice",
                "nodeAction", "deregister", "nodes", List.of("n-1"), "batchSize", 5, "windows",
                List.of(Map.of("days", List.of("SAT"), "start", "22:00", "end", "04:00", "timeZone", "Europe/Berlin")));
        RolloutValidator.Result v = RolloutValidator.validate(body, Set.of());
        List<RolloutTarget> targets = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            targets.add(new RolloutTarget("n-" + i, "prod", Map.of("rack", "r" + (i % 7)), "mi-0123456789abcdef" + (i % 10),
                    "arn:aws:ecs:eu-west-1:123456789012:container-instance/prod/" + "f".repeat(32)));
        }
        RolloutPlanner.Plan plan = RolloutPlanner.plan(v.request().action(), v.request().controls(), targets,
                List.of(new RolloutPlanner.Excluded("gone", "the inventory has no record of it")), Map.of(), at, null);
        return Rollout.planned(v.request(), "{\"requestId\":\"" + id + "\"}", plan, targets, at);
    }

    @Test
    void aRolloutRoundTripsWholeAndIsCreatedOnce() {
        Rollout r = rollout("ro-1", 3, T);

        assertThat(store.create(r)).isTrue();
        assertThat(store.create(r)).as("a second create of the id").isFalse();

        assertThat(store.get("ro-1")).hasValue(r);
        assertThat(store.get("nope")).isEmpty();
    }

    @Test
    void aReplaceNeedsTheNextVersion() {
        Rollout r = rollout("ro-2", 3, T);
        store.create(r);
        Rollout paused = r.controlled(Rollout.Control.PAUSE, "bob").next(T.plusSeconds(5));

        assertThat(store.replace(paused)).isTrue();
        assertThat(store.replace(paused)).as("the same version again").isFalse();
        assertThat(store.replace(r.controlled(Rollout.Control.CANCEL, "eve").next(T.plusSeconds(6))))
                .as("written from a stale read").isFalse();
        assertThat(store.get("ro-2").orElseThrow().pauseRequested()).isTrue();
        assertThat(store.get("ro-2").orElseThrow().cancelRequested()).isFalse();
    }

    @Test
    void theLargestRolloutFitsInOneItemWithEveryDetailFull() {
        Rollout big = rollout("ro-big", 500, T);
        String longest = "x".repeat(400);
        Rollout ended = new Rollout(big.id(), big.version(), big.spec(), big.action(), big.requestedBy(),
                big.reason(), RolloutStatus.HALTED, big.targets().stream().map(t -> new TargetRun(t.index(),
                        t.nodeId(), t.batch(), t.cluster(), t.managedInstanceId(), t.containerInstanceArn(),
                        t.attributes(), TargetRun.State.FAILED, "ro-big-" + t.index(), "DRAIN_TIMED_OUT", longest,
                        T, T)).toList(), big.excluded(), big.plannedChecks(),
                List.of(new RolloutPlanner.Disruption("prod", 5000, 4999, 5000, 500, 5000)), 100, T,
                List.of(new Admission.Wait(Admission.WaitReason.CAPACITY, "n-1", "prod", longest)), longest,
                true, true, "carol", T, T, T);

        assertThat(store.create(ended)).isTrue();
        assertThat(store.get("ro-big")).hasValue(ended);
    }

    @Test
    void recentListsNewestFirst() {
        store.create(rollout("old", 1, T));
        store.create(rollout("new", 1, T.plusSeconds(60)));
        store.create(rollout("mid", 1, T.plusSeconds(30)));

        assertThat(store.recent(2)).extracting(Rollout::id).containsExactly("new", "mid");
        // Whole records, read in one batch, as get reads them one by one.
        assertThat(store.recent(2)).containsExactly(store.get("new").orElseThrow(), store.get("mid").orElseThrow());
    }
}
