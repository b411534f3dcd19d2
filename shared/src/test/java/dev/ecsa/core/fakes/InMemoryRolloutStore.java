package dev.ecsa.core.fakes;

import dev.ecsa.core.fleet.Rollout;
import dev.ecsa.core.fleet.RolloutStore;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Rollouts in memory, with the DynamoDB store's conditions (create if absent, replace the next version only). */
public final class InMemoryRolloutStore implements RolloutStore {

    private final Map<String, Rollout> rollouts = new LinkedHashMap<>();

    @Override
    public synchronized boolean create(Rollout rollout) {
        return rollouts.putIfAbsent(rollout.id(), rollout) == null;
    }

    @Override
    public synchronized Optional<Rollout> get(String rolloutId) {
        return Optional.ofNullable(rollouts.get(rolloutId));
    }

    @Override
    public synchronized boolean replace(Rollout rollout) {
        Rollout stored = rollouts.get(rollout.id());
        if (stored == null || stored.version() != rollout.version() - 1) {
            return false;
        }
        rollouts.put(rollout.id(), rollout);
        return true;
    }

    @Override
    public synchronized List<Rollout> recent(int limit) {
        return rollouts.values().stream().sorted(Comparator.comparing(Rollout::createdAt).reversed()).limit(limit)
                .toList();
    }
}
