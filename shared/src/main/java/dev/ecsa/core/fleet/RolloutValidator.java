package dev.ecsa.core.fleet;

import dev.ecsa.core.model.NodeRequest;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.model.TimeoutPolicy;
import dev.ecsa.core.state.NodeState;
import dev.ecsa.core.validation.FieldRules;
import dev.ecsa.core.validation.RequestValidator;
import dev.ecsa.core.validation.ValidationResult;
import dev.ecsa.core.validation.Violation;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a rollout message ({@code "action": "rollout"}) into a {@link RolloutRequest}, or lists every rule it breaks,
 * as {@link RequestValidator} does for node requests: never throws on bad input, never stops at the first problem,
 * names fields and rules but never echoes values. Each registration of a registering rollout is checked by the node
 * request rules themselves.
 */
public final class RolloutValidator {

    /** The message's {@code action}. */
    public static final String ACTION = "rollout";

    static final Set<String> FIELDS = Set.of("action", "requestId", "requestedBy", "reason", "nodeAction", "dryRun",
            "nodes", "selector", "registrations", "batchSize", "maxConcurrency", "maxFailures", "maxFailurePercent",
            "soakSeconds", "maxUnavailable", "maxUnavailablePercent", "capacityCheck", "windows", "changeCalendar",
            "canary", "spreadBy", "approval", "drainTimeoutSeconds", "onTimeout", "ecsAgentVersion",
            "ssmAgentVersion");
    private static final Set<String> SELECTOR_FIELDS = Set.of("states", "cluster", "attributes", "ecsAgentVersion",
            "ssmAgentVersion");
    private static final Set<String> WINDOW_FIELDS = Set.of("days", "start", "end", "timeZone");
    /** SSM document names (a Change Calendar is one), or a document ARN. */
    private static final Pattern CALENDAR = Pattern.compile("^([a-zA-Z0-9_.-]{3,128}|arn:aws[a-z-]*:ssm:[a-z0-9-]+:"
            + "[0-9]{12}:document/[a-zA-Z0-9_.-]{3,128})$");
    /** A rollout id: the message's requestId, short enough for each node's {@code <id>-<n>}. */
    static final Pattern ROLLOUT_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_-]{0,"
            + (RolloutRequest.MAX_ROLLOUT_ID - 1) + "}$");
    private static final Pattern TIME = Pattern.compile("^([01][0-9]|2[0-3]):[0-5][0-9]$");
    private static final Pattern ZONE = Pattern.compile("^[A-Za-z0-9_/+:-]{1,64}$");
    private static final int MAX_WINDOWS = 14;
    private static final int MAX_REPORTED_ENTRIES = 10;

    private RolloutValidator() {
    }

    /** The outcome: the request, or the violations. */
    public record Result(RolloutRequest request, List<Violation> violations) {

        public Result {
            violations = List.copyOf(violations);
        }

        public boolean isValid() {
            return request != null;
        }
    }

    /** Whether a decoded message is a rollout (then this validator, not the node request one, reads it). */
    public static boolean isRollout(Map<String, ?> raw) {
        return raw != null && ACTION.equals(raw.get("action"));
    }

    /** Validates {@code raw}; registrations may name only {@code managedClusters} (empty: any); any calendar. */
    public static Result validate(Map<String, ?> raw, Set<String> managedClusters) {
        return validate(raw, managedClusters, null);
    }

    /**
     * Validates {@code raw}; registrations may name only {@code managedClusters} (empty: any), and
     * {@code changeCalendar} only one of {@code calendars} (the stack may read exactly these; {@code null}: any).
     */
    public static Result validate(Map<String, ?> raw, Set<String> managedClusters, Set<String> calendars) {
        Map<String, ?> in = raw == null ? Map.of() : raw;
        List<Violation> out = new ArrayList<>();
        if (!ACTION.equals(in.get("action"))) {
            out.add(new Violation("action", "must be rollout"));
        }
        for (String key : in.keySet()) {
            if (!FIELDS.contains(key)) {
                out.add(new Violation(printable(key) ? key : "field", "is not a known field of a rollout"));
            }
        }
        String id = text(in, "requestId", true, v -> ROLLOUT_ID.matcher(v).matches() ? null
                : "must be 1 to " + RolloutRequest.MAX_ROLLOUT_ID + " letters, digits, '_' or '-', starting with a "
                + "letter or digit (each node's request adds -<n>)", out);
        String requestedBy = text(in, "requestedBy", true, FieldRules::requestedBy, out);
        String reason = text(in, "reason", false, FieldRules::reason, out);
        RolloutAction action = null;
        Object rawAction = in.get("nodeAction");
        if (rawAction == null) {
            out.add(new Violation("nodeAction", "is required"));
        } else if (!(rawAction instanceof String s) || RolloutAction.fromWireName(s).isEmpty()) {
            out.add(new Violation("nodeAction", "must be one of register, deregister, upgrade"));
        } else {
            action = RolloutAction.fromWireName(s).orElseThrow();
        }
        boolean dryRun = bool(in, "dryRun", false, out);

        List<String> nodes = List.of();
        TargetSelector selector = null;
        List<RegisterRequest> registrations = List.of();
        if (action == RolloutAction.REGISTER) {
            refuse(in, out, "register", "nodes", "selector", "drainTimeoutSeconds", "onTimeout",
                    "ecsAgentVersion", "ssmAgentVersion");
            registrations = registrations(in, id, requestedBy, reason, managedClusters, out);
        } else if (action != null) {
            refuse(in, out, action.wireName(), "registrations");
            if (action != RolloutAction.UPGRADE) {
                refuse(in, out, action.wireName(), "ecsAgentVersion", "ssmAgentVersion");
            }
            boolean named = in.get("nodes") != null;
            boolean selected = in.get("selector") != null;
            if (named == selected) {
                out.add(new Violation("nodes", "exactly one of nodes and selector is required"));
            } else if (named) {
                nodes = nodeIds(in.get("nodes"), out);
            } else {
                selector = selector(in.get("selector"), out);
            }
        }
        Integer drainTimeout = integer(in, "drainTimeoutSeconds", FieldRules.MIN_DRAIN_TIMEOUT_SECONDS,
                FieldRules.MAX_DRAIN_TIMEOUT_SECONDS, out);
        TimeoutPolicy onTimeout = null;
        if (in.get("onTimeout") != null) {
            // keep would leave nodes DRAINING after the rollout: a rollout leaves none.
            if (in.get("onTimeout") instanceof String s && TimeoutPolicy.fromWireName(s).isPresent()
                    && TimeoutPolicy.fromWireName(s).orElseThrow() != TimeoutPolicy.KEEP) {
                onTimeout = TimeoutPolicy.fromWireName(s).orElseThrow();
            } else {
                out.add(new Violation("onTimeout", "must be revert or force (a rollout leaves no node DRAINING)"));
            }
        }
        String ecs = text(in, "ecsAgentVersion", false, FieldRules::agentVersion, out);
        String ssm = text(in, "ssmAgentVersion", false, FieldRules::agentVersion, out);
        RolloutControls controls = controls(in, out);
        if (calendars != null && controls.changeCalendar() != null && !calendars.contains(controls.changeCalendar())) {
            out.add(new Violation("changeCalendar", calendars.isEmpty()
                    ? "names a calendar this stack may not read (it reads none; deploy with -c ecsa:changeCalendars=NAME)"
                    : "must be one of the calendars this stack may read (" + String.join(", ",
                            new java.util.TreeSet<>(calendars)) + ")"));
        }
        if (!out.isEmpty()) {
            return new Result(null, out);
        }
        return new Result(new RolloutRequest(id, requestedBy, reason, action, dryRun, nodes, selector, registrations,
                controls, drainTimeout, onTimeout, ecs, ssm), out);
    }

    // --- targets ---------------------------------------------------------------------------------------------

    private static List<String> nodeIds(Object raw, List<Violation> out) {
        if (!(raw instanceof List<?> list) || list.isEmpty()) {
            out.add(new Violation("nodes", "must be a non-empty array of node ids"));
            return List.of();
        }
        if (list.size() > RolloutRequest.MAX_TARGETS) {
            out.add(new Violation("nodes", "must name at most " + RolloutRequest.MAX_TARGETS + " nodes"));
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int reported = 0;
        for (int i = 0; i < list.size(); i++) {
            String broken = list.get(i) instanceof String s ? FieldRules.nodeId(s) : "must be a string";
            if (broken == null && !seen.add((String) list.get(i))) {
                broken = "is named twice";
            }
            if (broken != null) {
                if (reported++ < MAX_REPORTED_ENTRIES) {
                    out.add(new Violation("nodes[" + i + "]", broken));
                }
            } else {
                ids.add((String) list.get(i));
            }
        }
        return ids;
    }

    private static TargetSelector selector(Object raw, List<Violation> out) {
        if (!(raw instanceof Map<?, ?> map)) {
            out.add(new Violation("selector", "must be an object"));
            return null;
        }
        for (Object key : map.keySet()) {
            if (!(key instanceof String k) || !SELECTOR_FIELDS.contains(k)) {
                out.add(new Violation(key instanceof String k && printable(k) ? "selector." + k : "selector",
                        "is not a known selector field (states, cluster, attributes, ecsAgentVersion, ssmAgentVersion)"));
            }
        }
        Set<NodeState> states = EnumSet.noneOf(NodeState.class);
        Object rawStates = map.get("states");
        if (rawStates != null) {
            if (!(rawStates instanceof List<?> list) || list.isEmpty()) {
                out.add(new Violation("selector.states", "must be a non-empty array of node states"));
            } else {
                for (Object s : list) {
                    try {
                        states.add(NodeState.valueOf(String.valueOf(s)));
                    } catch (IllegalArgumentException e) {
                        out.add(new Violation("selector.states", "must name node states (REGISTERED, DRAIN_KEPT, ...)"));
                        break;
                    }
                }
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, ?> sel = (Map<String, ?>) map;
        String cluster = selectorText(sel, "cluster", FieldRules::cluster, out);
        Map<String, String> attributes = new LinkedHashMap<>();
        Object rawAttributes = sel.get("attributes");
        if (rawAttributes != null) {
            if (!(rawAttributes instanceof Map<?, ?> attrs) || attrs.size() > FieldRules.MAX_ATTRIBUTES + 1) {
                out.add(new Violation("selector.attributes", "must be an object of at most "
                        + (FieldRules.MAX_ATTRIBUTES + 1) + " string values"));
            } else {
                for (Map.Entry<?, ?> e : attrs.entrySet()) {
                    if (e.getKey() instanceof String k && FieldRules.ATTRIBUTE_NAME.matcher(k).matches()
                            && e.getValue() instanceof String v && FieldRules.attributeValue(v) == null) {
                        attributes.put(k, v);
                    } else {
                        out.add(new Violation("selector.attributes", "names and values must be ECS attribute names"
                                + " and values"));
                        break;
                    }
                }
            }
        }
        String ecs = selectorText(sel, "ecsAgentVersion", FieldRules::agentVersion, out);
        String ssm = selectorText(sel, "ssmAgentVersion", FieldRules::agentVersion, out);
        return new TargetSelector(states, cluster, attributes, ecs, ssm);
    }

    private static String selectorText(Map<String, ?> sel, String field,
                                       java.util.function.UnaryOperator<String> rule, List<Violation> out) {
        List<Violation> own = new ArrayList<>();
        String value = text(sel, field, false, rule, own);
        own.forEach(v -> out.add(new Violation("selector." + v.field(), v.rule())));
        return value;
    }

    private static List<RegisterRequest> registrations(Map<String, ?> in, String id, String requestedBy,
                                                       String reason, Set<String> managedClusters,
                                                       List<Violation> out) {
        Object raw = in.get("registrations");
        if (!(raw instanceof List<?> list) || list.isEmpty()) {
            out.add(new Violation("registrations", "must be a non-empty array of registrations"));
            return List.of();
        }
        if (list.size() > RolloutRequest.MAX_TARGETS) {
            out.add(new Violation("registrations", "must hold at most " + RolloutRequest.MAX_TARGETS + " entries"));
            return List.of();
        }
        List<RegisterRequest> result = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int reported = 0;
        for (int i = 0; i < list.size(); i++) {
            String at = "registrations[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> entry)) {
                if (reported++ < MAX_REPORTED_ENTRIES) {
                    out.add(new Violation(at, "must be an object"));
                }
                continue;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : entry.entrySet()) {
                body.put(String.valueOf(e.getKey()), e.getValue());
            }
            for (String own : List.of("action", "requestId", "requestedBy", "reason")) {
                if (body.containsKey(own)) {
                    out.add(new Violation(at + "." + own, "is set by the rollout"));
                    body.remove(own);
                }
            }
            body.put("action", "register");
            body.put("requestId", (id == null ? "x" : id) + "-" + (i + 1));
            body.put("requestedBy", requestedBy == null ? "x" : requestedBy);
            if (reason != null && !reason.isEmpty()) {
                body.put("reason", reason);
            }
            ValidationResult v = RequestValidator.validate(body, managedClusters);
            if (!v.isValid()) {
                for (Violation violation : v.violations()) {
                    if (reported++ < MAX_REPORTED_ENTRIES) {
                        out.add(new Violation(at + "." + violation.field(), violation.rule()));
                    }
                }
                continue;
            }
            NodeRequest r = v.request().orElseThrow();
            if (!seen.add(r.nodeId())) {
                out.add(new Violation(at + ".nodeId", "is registered twice in the rollout"));
                continue;
            }
            result.add((RegisterRequest) r);
        }
        if (reported > MAX_REPORTED_ENTRIES) {
            out.add(new Violation("registrations", (reported - MAX_REPORTED_ENTRIES) + " more problem(s) not listed"));
        }
        return result;
    }

    // --- controls --------------------------------------------------------------------------------------------

    private static RolloutControls controls(Map<String, ?> in, List<Violation> out) {
        RolloutControls d = RolloutControls.DEFAULTS;
        int batch = orDefault(integer(in, "batchSize", 1, RolloutControls.MAX_BATCH, out), d.batchSize());
        int concurrency = orDefault(integer(in, "maxConcurrency", 1, RolloutControls.MAX_BATCH, out), batch);
        Integer maxFailures = integer(in, "maxFailures", 0, RolloutRequest.MAX_TARGETS, out);
        Integer maxFailurePercent = integer(in, "maxFailurePercent", 0, 100, out);
        ErrorBudget errors = maxFailures == null && maxFailurePercent == null ? d.errorBudget()
                : new ErrorBudget(maxFailures, maxFailurePercent);
        Integer soak = integer(in, "soakSeconds", 0, (int) RolloutControls.MAX_SOAK.toSeconds(), out);
        Integer maxUnavailable = integer(in, "maxUnavailable", 1, RolloutRequest.MAX_TARGETS, out);
        Integer maxUnavailablePercent = integer(in, "maxUnavailablePercent", 1, 100, out);
        DisruptionBudget budget = maxUnavailable == null && maxUnavailablePercent == null ? d.disruptionBudget()
                : new DisruptionBudget(maxUnavailable, maxUnavailablePercent);
        boolean capacity = bool(in, "capacityCheck", d.capacityCheck(), out);
        List<MaintenanceWindow> windows = windows(in.get("windows"), out);
        String calendar = text(in, "changeCalendar", false, v -> CALENDAR.matcher(v).matches() ? null
                : "must be an SSM document name (3 to 128 letters, digits, '_', '.' or '-') or a document ARN", out);
        int canary = orDefault(integer(in, "canary", 0, RolloutControls.MAX_BATCH, out), d.canary());
        String spreadBy = text(in, "spreadBy", false, v -> FieldRules.ATTRIBUTE_NAME.matcher(v).matches() ? null
                : "must be an ECS attribute name", out);
        boolean approval = bool(in, "approval", d.approval(), out);
        if (concurrency > batch && in.get("maxConcurrency") != null) {
            out.add(new Violation("maxConcurrency", "must not exceed batchSize (a batch's nodes are all that run)"));
        }
        if (!out.isEmpty()) {
            return d;
        }
        return new RolloutControls(batch, Math.min(concurrency, batch), errors,
                soak == null ? d.soak() : Duration.ofSeconds(soak), budget, capacity, windows, calendar, canary,
                spreadBy, approval);
    }

    private static List<MaintenanceWindow> windows(Object raw, List<Violation> out) {
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof List<?> list) || list.isEmpty() || list.size() > MAX_WINDOWS) {
            out.add(new Violation("windows", "must be an array of 1 to " + MAX_WINDOWS + " windows"));
            return List.of();
        }
        List<MaintenanceWindow> windows = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "windows[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> w)) {
                out.add(new Violation(at, "must be an object with days, start, end and timeZone"));
                continue;
            }
            for (Object key : w.keySet()) {
                if (!(key instanceof String k) || !WINDOW_FIELDS.contains(k)) {
                    out.add(new Violation(at, "has an unknown field (days, start, end and timeZone are known)"));
                    break;
                }
            }
            Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            if (!(w.get("days") instanceof List<?> dayList) || dayList.isEmpty()) {
                out.add(new Violation(at + ".days", "must be a non-empty array of MON, TUE, WED, THU, FRI, SAT, SUN"));
            } else {
                for (Object day : dayList) {
                    DayOfWeek parsed = day(day);
                    if (parsed == null) {
                        out.add(new Violation(at + ".days", "must name days as MON, TUE, WED, THU, FRI, SAT, SUN"));
                        break;
                    }
                    days.add(parsed);
                }
            }
            LocalTime start = time(w.get("start"), at + ".start", out);
            LocalTime end = time(w.get("end"), at + ".end", out);
            ZoneId zone = null;
            if (!(w.get("timeZone") instanceof String z) || !ZONE.matcher(z).matches()) {
                out.add(new Violation(at + ".timeZone", "must be an IANA time zone such as Europe/Berlin or UTC"));
            } else {
                try {
                    zone = ZoneId.of(z);
                } catch (DateTimeException e) {
                    out.add(new Violation(at + ".timeZone", "must be an IANA time zone such as Europe/Berlin or UTC"));
                }
            }
            if (!days.isEmpty() && start != null && end != null && zone != null) {
                windows.add(new MaintenanceWindow(days, start, end, zone));
            }
        }
        return windows;
    }

    private static DayOfWeek day(Object raw) {
        if (!(raw instanceof String s)) {
            return null;
        }
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().substring(0, 3).equals(s.toUpperCase(Locale.ROOT))) {
                return d;
            }
        }
        return null;
    }

    private static LocalTime time(Object raw, String field, List<Violation> out) {
        if (raw instanceof String s && TIME.matcher(s).matches()) {
            try {
                return LocalTime.parse(s);
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        out.add(new Violation(field, "must be a time of day as HH:MM (00:00 to 23:59)"));
        return null;
    }

    // --- scalars ---------------------------------------------------------------------------------------------

    private static void refuse(Map<String, ?> in, List<Violation> out, String action, String... fields) {
        for (String f : fields) {
            if (in.get(f) != null) {
                out.add(new Violation(f, "is not allowed when nodeAction is " + action));
            }
        }
    }

    private static String text(Map<String, ?> in, String field, boolean required,
                               java.util.function.UnaryOperator<String> rule, List<Violation> out) {
        return required ? RequestValidator.requiredText(in, field, rule, out)
                : RequestValidator.optionalText(in, field, rule, out);
    }

    private static Integer integer(Map<String, ?> in, String field, int min, int max, List<Violation> out) {
        Object v = in.get(field);
        if (v == null) {
            return null;
        }
        if ((v instanceof Integer || v instanceof Long || v instanceof Short)
                && ((Number) v).longValue() >= min && ((Number) v).longValue() <= max) {
            return ((Number) v).intValue();
        }
        if ((v instanceof Double || v instanceof java.math.BigDecimal || v instanceof Float)
                && ((Number) v).doubleValue() == Math.rint(((Number) v).doubleValue())
                && ((Number) v).doubleValue() >= min && ((Number) v).doubleValue() <= max) {
            return (int) ((Number) v).doubleValue();
        }
        out.add(new Violation(field, "must be an integer from " + min + " to " + max));
        return null;
    }

    private static boolean bool(Map<String, ?> in, String field, boolean absent, List<Violation> out) {
        Object v = in.get(field);
        if (v == null) {
            return absent;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        out.add(new Violation(field, "must be true or false"));
        return absent;
    }

    private static int orDefault(Integer v, int absent) {
        return v == null ? absent : v;
    }

    private static boolean printable(String key) {
        return key.matches("[A-Za-z0-9_.:/=+@-]{1,128}");
    }
}
