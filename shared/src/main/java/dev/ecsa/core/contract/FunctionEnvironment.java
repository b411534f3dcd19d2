package dev.ecsa.core.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The environment variables the stack sets on the functions and the functions read: the one list both sides (and
 * the local mode) name, so a rename cannot leave one side behind.
 */
public final class FunctionEnvironment {

    public static final String STACK_NAME = "ECSA_STACK_NAME";
    public static final String TABLE_NAME = "ECSA_TABLE_NAME";
    /** The default cluster of requests that name none. */
    public static final String CLUSTER = "ECSA_CLUSTER";
    /** Every cluster the stack manages (comma-separated, the default first); IAM is granted on exactly these. */
    public static final String CLUSTERS = "ECSA_CLUSTERS";
    public static final String EVENT_BUS = "ECSA_EVENT_BUS";
    public static final String SSH_KEY_SECRET = "ECSA_SSH_KEY_SECRET";
    /** The ECS Anywhere role for activations, as SSM takes it: its path and name ({@code path/name}). */
    public static final String ECS_ANYWHERE_ROLE = "ECSA_ECS_ANYWHERE_ROLE";
    public static final String INSTALL_SCRIPT_URL = "ECSA_INSTALL_SCRIPT_URL";
    public static final String INSTALL_SCRIPT_SHA256 = "ECSA_INSTALL_SCRIPT_SHA256";
    public static final String INSTALL_SCRIPT_GPG_FINGERPRINT = "ECSA_INSTALL_SCRIPT_GPG_FINGERPRINT";
    public static final String ECS_AGENT_VERSION = "ECSA_ECS_AGENT_VERSION";
    public static final String REGISTRATION_BUDGET_SECONDS = "ECSA_REGISTRATION_BUDGET_SECONDS";
    public static final String DRAIN_TIMEOUT_SECONDS = "ECSA_DRAIN_TIMEOUT_SECONDS";
    public static final String DRAIN_POLL_SECONDS = "ECSA_DRAIN_POLL_SECONDS";
    public static final String ON_DRAIN_TIMEOUT = "ECSA_ON_DRAIN_TIMEOUT";
    public static final String DRAIN_STATE_MACHINE_ARN = "ECSA_DRAIN_STATE_MACHINE_ARN";
    /** The SSM Change Calendars rollouts may wait on (comma-separated document names; the functions may read these). */
    public static final String CHANGE_CALENDARS = "ECSA_CHANGE_CALENDARS";
    /** Steps one rollout execution takes before a new one continues it (RolloutStepper's default unless set). */
    public static final String ROLLOUT_STEPS_PER_EXECUTION = "ECSA_ROLLOUT_STEPS_PER_EXECUTION";
    /** The rollout workflow the node-request function starts for each rollout message. */
    public static final String ROLLOUT_STATE_MACHINE_ARN = "ECSA_ROLLOUT_STATE_MACHINE_ARN";
    public static final String REQUEST_RETENTION_DAYS = "ECSA_REQUEST_RETENTION_DAYS";
    public static final String MAX_RECEIVES = "ECSA_MAX_RECEIVES";
    public static final String RECONCILE_CLUSTERS = "ECSA_RECONCILE_CLUSTERS";
    public static final String RECONCILE_SAFE_FIXES = "ECSA_RECONCILE_SAFE_FIXES";
    public static final String RECONCILE_MEMBERSHIP_FIXES = "ECSA_RECONCILE_MEMBERSHIP_FIXES";
    public static final String RECONCILE_FIX_BUDGET = "ECSA_RECONCILE_FIX_BUDGET";
    public static final String RECONCILE_GRACE_SECONDS = "ECSA_RECONCILE_GRACE_SECONDS";
    public static final String RECONCILE_STUCK_AFTER_SECONDS = "ECSA_RECONCILE_STUCK_AFTER_SECONDS";
    /** At most this many node items a reconcile run rewrites with the software versions SSM and ECS report. */
    public static final String RECONCILE_INVENTORY_WRITES = "ECSA_RECONCILE_INVENTORY_WRITES";
    /** The ECS agent version the fleet should run; nodes behind it are AGENT_OUTDATED findings. Unset: no target. */
    public static final String TARGET_ECS_AGENT_VERSION = "ECSA_TARGET_ECS_AGENT_VERSION";
    /** The same for the SSM agent. */
    public static final String TARGET_SSM_AGENT_VERSION = "ECSA_TARGET_SSM_AGENT_VERSION";
    /** The repair's debounce: a node is unhealthy once its agents stayed disconnected this long (default 900). */
    public static final String REPAIR_UNHEALTHY_AFTER_SECONDS = "ECSA_REPAIR_UNHEALTHY_AFTER_SECONDS";
    /** {@code true} lets the repair quarantine unhealthy nodes (default {@code false}: report only). */
    public static final String REPAIR_QUARANTINE = "ECSA_REPAIR_QUARANTINE";
    /** {@code true} lets the repair send restart requests for unhealthy nodes (default {@code false}). */
    public static final String REPAIR_RESTART = "ECSA_REPAIR_RESTART";
    /** How long after the quarantine the repair's restart is due (default 900). */
    public static final String REPAIR_STEP_AFTER_SECONDS = "ECSA_REPAIR_STEP_AFTER_SECONDS";
    /** The repair's last resort: re-register a node whose agents stay unhealthy after their restart. */
    public static final String REPAIR_REREGISTER = "ECSA_REPAIR_REREGISTER";
    /** The node-request queue's URL, where the repair sends its restart requests (set when the repair restarts). */
    public static final String REQUEST_QUEUE_URL = "ECSA_REQUEST_QUEUE_URL";
    /** Where upgrades fetch agent packages: empty for AWS's regional buckets, or a mirror with their layout. */
    public static final String AGENT_PACKAGE_URL = "ECSA_AGENT_PACKAGE_URL";
    /** A mirror's signing keys: base64 of an armored key block (empty: the keys shipped in the zip). */
    public static final String AGENT_PACKAGE_SIGNING_KEY = "ECSA_AGENT_PACKAGE_SIGNING_KEY";
    /** The primary fingerprints of the mirror's key block, space-separated. */
    public static final String AGENT_PACKAGE_KEY_FINGERPRINTS = "ECSA_AGENT_PACKAGE_KEY_FINGERPRINTS";
    /** Repair acts in a cluster only while at most this percent of its registered nodes is unhealthy (default 40). */
    public static final String REPAIR_MAX_UNHEALTHY_PERCENT = "ECSA_REPAIR_MAX_UNHEALTHY_PERCENT";
    /** Metric namespace of the functions' EMF lines; the stack's alarms read the same. */
    public static final String METRIC_NAMESPACE = "EcsaLifecycle";
    /** The one dimension of every service metric; its value is the stack name. */
    public static final String METRIC_DIMENSION = "Service";

    /** What the node-request function cannot run without. */
    public static final Set<String> NODE_REQUEST_REQUIRED = Set.of(STACK_NAME, TABLE_NAME, CLUSTER, EVENT_BUS,
            SSH_KEY_SECRET, ECS_ANYWHERE_ROLE, DRAIN_STATE_MACHINE_ARN, ROLLOUT_STATE_MACHINE_ARN, INSTALL_SCRIPT_URL);
    /** What the rollout steps cannot run without: they send each node's request onto the queue. */
    public static final Set<String> ROLLOUT_STEP_REQUIRED = Set.of(STACK_NAME, TABLE_NAME, CLUSTER, EVENT_BUS,
            REQUEST_QUEUE_URL, ROLLOUT_STATE_MACHINE_ARN);
    /** What the drain steps cannot run without. */
    public static final Set<String> DRAIN_STEP_REQUIRED = Set.of(STACK_NAME, TABLE_NAME, CLUSTER, EVENT_BUS,
            SSH_KEY_SECRET);
    /**
     * What the reconciler cannot run without: the ECS Anywhere role too, as DescribeActivations lists the stack's
     * activations by the role they pass (without it the reconciler would never see a leftover activation).
     */
    public static final Set<String> RECONCILE_REQUIRED = Set.of(STACK_NAME, TABLE_NAME, CLUSTER, EVENT_BUS,
            ECS_ANYWHERE_ROLE, DRAIN_STATE_MACHINE_ARN);

    private FunctionEnvironment() {
    }

    /**
     * Fails a function's init when the stack did not set one of the variables it cannot run without (a default
     * would make it act on the wrong resources without a word).
     *
     * @throws IllegalStateException naming every missing variable
     */
    public static void requireAll(Map<String, String> env, Set<String> required, String function) {
        List<String> missing = new ArrayList<>();
        for (String name : new TreeSet<>(required)) {
            String value = env.get(name);
            if (value == null || value.isBlank()) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException(function + " cannot start: the stack did not set " + missing);
        }
    }
}
