package dev.ecsa.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Systems Manager state: hybrid activations and managed instances. Not thread-safe; the simulator serialises
 * access. Instances are kept in registration order (a sequence number) and indexed by id, activation and tag,
 * so filtered lookups cost the size of the answer, not of the fleet.
 */
final class SsmSimulation {

    private static final Pattern DEFAULT_INSTANCE_NAME = Pattern.compile("^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$");
    private static final Pattern MANAGED_INSTANCE_ID = Pattern.compile("^mi-[0-9a-f]{17}$");
    private static final Set<String> PING_STATUSES = Set.of("Online", "ConnectionLost", "Inactive");
    private static final Set<String> FILTER_KEYS = Set.of("ActivationIds", "AgentVersion", "AssociationStatus",
            "IamRole", "InstanceIds", "PingStatus", "PlatformTypes", "ResourceType", "SourceIds", "SourceTypes",
            "tag-key");
    private static final String CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    static final String AGENT_VERSION = "3.3.1142.0";

    private final Clock clock;
    private final String region;
    private final SecureRandom random = new SecureRandom();

    private final Map<String, Activation> activations = new LinkedHashMap<>();
    /** Every code CreateActivation answered, kept after the activation is deleted: the bench's leak checks. */
    private final List<String> issuedCodes = new ArrayList<>();
    private final Map<String, Instance> instances = new HashMap<>();
    private final TreeMap<Long, Instance> live = new TreeMap<>();
    private final Map<String, Set<Long>> byActivation = new HashMap<>();
    private final Map<String, Map<String, Set<Long>>> byTag = new HashMap<>();
    private long sequence;

    SsmSimulation(Clock clock, String region) {
        this.clock = clock;
        this.region = region;
    }

    static final class Activation {
        final String id;
        final byte[] code; // never logged, never returned except by CreateActivation
        final String description;
        final String defaultInstanceName;
        final String iamRole;
        final int registrationLimit;
        final Instant expirationDate;
        final Instant createdDate;
        final Map<String, String> tags;
        int registrationsCount;

        Activation(String id, byte[] code, String description, String defaultInstanceName, String iamRole,
                   int registrationLimit, Instant expirationDate, Instant createdDate, Map<String, String> tags) {
            this.id = id;
            this.code = code;
            this.description = description;
            this.defaultInstanceName = defaultInstanceName;
            this.iamRole = iamRole;
            this.registrationLimit = registrationLimit;
            this.expirationDate = expirationDate;
            this.createdDate = createdDate;
            this.tags = tags;
        }
    }

    static final class Instance {
        final String id;
        final long seq;
        final String activationId;
        final String iamRole;
        final String name;
        final String ipAddress;
        final String computerName;
        final String platformName;
        final String platformVersion;
        final Instant registrationDate;
        final Map<String, String> tags = new LinkedHashMap<>();
        String pingStatus = "Online";
        /** The version the agent reported with its last ping (AGENT_VERSION until it reports one). */
        String agentVersion = AGENT_VERSION;
        Instant lastPing;
        boolean deregistered;

        Instance(String id, long seq, String activationId, String iamRole, String name, String ipAddress,
                 String computerName, String platformName, String platformVersion, Instant registrationDate) {
            this.id = id;
            this.seq = seq;
            this.activationId = activationId;
            this.iamRole = iamRole;
            this.name = name;
            this.ipAddress = ipAddress;
            this.computerName = computerName;
            this.platformName = platformName;
            this.platformVersion = platformVersion;
            this.registrationDate = registrationDate;
            this.lastPing = registrationDate;
        }

        ManagedInstanceView view() {
            return new ManagedInstanceView(id, activationId, name, iamRole, pingStatus, ipAddress, computerName,
                    registrationDate, lastPing, Map.copyOf(tags), deregistered, agentVersion);
        }
    }

    // ---------------------------------------------------------------- AWS operations

    JsonNode createActivation(JsonNode req) {
        String iamRole = WireJson.text(req, "IamRole");
        if (iamRole == null || iamRole.isEmpty() || iamRole.length() > 64) {
            throw validation("Value at 'iamRole' failed to satisfy constraint: Member must not be null and must have length between 1 and 64");
        }
        String description = WireJson.text(req, "Description");
        if (description != null && description.length() > 256) {
            throw validation("Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 256");
        }
        String defaultName = WireJson.text(req, "DefaultInstanceName");
        if (defaultName != null && (defaultName.length() > 256 || !DEFAULT_INSTANCE_NAME.matcher(defaultName).matches())) {
            throw validation("Value at 'defaultInstanceName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$ and have length less than or equal to 256");
        }
        Integer limit = WireJson.integer(req, "RegistrationLimit");
        int registrationLimit = limit == null ? 1 : limit;
        if (registrationLimit < 1 || registrationLimit > 1000) {
            throw validation("Value '" + registrationLimit + "' at 'registrationLimit' failed to satisfy constraint: Member must have value between 1 and 1000");
        }
        Instant now = clock.instant();
        Instant expiration = WireJson.instant(req, "ExpirationDate");
        if (expiration == null) {
            expiration = now.plus(Duration.ofHours(24));
        } else if (!expiration.isAfter(now)) {
            throw AwsErrorException.client("InvalidParameters", "ExpirationDate must be in the future.");
        } else if (expiration.isAfter(now.plus(Duration.ofDays(30)))) {
            throw AwsErrorException.client("InvalidParameters", "ExpirationDate can be at most 30 days in the future.");
        }
        Map<String, String> tags = tags(req.get("Tags"), 1000);
        String id = UUID.randomUUID().toString();
        String code = randomCode();
        activations.put(id, new Activation(id, code.getBytes(StandardCharsets.UTF_8), description, defaultName,
                iamRole, registrationLimit, expiration, now, tags));
        issuedCodes.add(code);
        return WireJson.object().put("ActivationId", id).put("ActivationCode", code);
    }

    List<String> issuedCodes() {
        return List.copyOf(issuedCodes);
    }

    JsonNode describeActivations(JsonNode req) {
        int maxResults = range(WireJson.integer(req, "MaxResults"), 50, 1, 50, "maxResults");
        List<Predicate<Activation>> predicates = new ArrayList<>();
        JsonNode filters = req.get("Filters");
        if (filters != null) {
            for (JsonNode f : filters) {
                String key = WireJson.text(f, "FilterKey");
                Set<String> values = Set.copyOf(WireJson.strings(f, "FilterValues"));
                switch (key == null ? "" : key) {
                    case "ActivationIds" -> predicates.add(a -> values.contains(a.id));
                    case "DefaultInstanceName" -> predicates.add(a -> values.contains(a.defaultInstanceName));
                    case "IamRole" -> predicates.add(a -> values.contains(a.iamRole));
                    default -> throw AwsErrorException.client("InvalidFilter", "The filter key " + key + " is not valid.");
                }
            }
        }
        List<Activation> matching = activations.values().stream()
                .filter(a -> predicates.stream().allMatch(p -> p.test(a))).toList();
        int start = (int) decodeToken(WireJson.text(req, "NextToken"), "InvalidNextToken");
        ArrayNode list = WireJson.array();
        Instant now = clock.instant();
        int end = Math.min(matching.size(), start + maxResults);
        for (Activation a : matching.subList(Math.min(start, matching.size()), end)) {
            ObjectNode node = list.addObject()
                    .put("ActivationId", a.id)
                    .put("IamRole", a.iamRole)
                    .put("RegistrationLimit", a.registrationLimit)
                    .put("RegistrationsCount", a.registrationsCount)
                    .put("Expired", !a.expirationDate.isAfter(now));
            if (a.description != null) {
                node.put("Description", a.description);
            }
            if (a.defaultInstanceName != null) {
                node.put("DefaultInstanceName", a.defaultInstanceName);
            }
            WireJson.putTime(node, "ExpirationDate", a.expirationDate);
            WireJson.putTime(node, "CreatedDate", a.createdDate);
            node.set("Tags", tagList(a.tags));
        }
        ObjectNode out = WireJson.object();
        out.set("ActivationList", list);
        if (end < matching.size()) {
            out.put("NextToken", encodeToken(end));
        }
        return out;
    }

    JsonNode deleteActivation(JsonNode req) {
        String id = WireJson.text(req, "ActivationId");
        if (id == null || activations.remove(id) == null) {
            throw AwsErrorException.client("InvalidActivationId", "The activation ID is not valid: " + id);
        }
        return WireJson.object();
    }

    JsonNode describeInstanceInformation(JsonNode req) {
        int maxResults = range(WireJson.integer(req, "MaxResults"), 10, 5, 50, "maxResults");
        List<Predicate<Instance>> predicates = new ArrayList<>();
        NavigableSet<Long> candidates = null;
        List<JsonNode> filters = new ArrayList<>();
        for (String listName : new String[] {"Filters", "InstanceInformationFilterList"}) {
            JsonNode list = req.get(listName);
            if (list != null) {
                list.forEach(filters::add);
            }
        }
        for (JsonNode f : filters) {
            String key = f.has("Key") ? WireJson.text(f, "Key") : WireJson.text(f, "key");
            List<String> valueList = f.has("Values") ? WireJson.strings(f, "Values") : WireJson.strings(f, "valueSet");
            if (key == null || !(FILTER_KEYS.contains(key) || key.startsWith("tag:") && key.length() > 4)) {
                throw AwsErrorException.client("InvalidFilterKey", "The filter key " + key + " is not valid.");
            }
            if (valueList.isEmpty() || valueList.size() > 100) {
                throw AwsErrorException.client("InvalidInstanceInformationFilterValue",
                        "A filter needs between 1 and 100 values: " + key);
            }
            Set<String> values = Set.copyOf(valueList);
            NavigableSet<Long> narrowed = null;
            switch (key) {
                case "ActivationIds" -> {
                    predicates.add(i -> values.contains(i.activationId));
                    narrowed = union(values, byActivation::get);
                }
                case "InstanceIds" -> {
                    predicates.add(i -> values.contains(i.id));
                    narrowed = union(values, v -> {
                        Instance i = instances.get(v);
                        return i == null ? null : Set.of(i.seq);
                    });
                }
                case "PingStatus" -> {
                    if (!PING_STATUSES.containsAll(values)) {
                        throw AwsErrorException.client("InvalidInstanceInformationFilterValue",
                                "PingStatus values must be Online, ConnectionLost or Inactive.");
                    }
                    predicates.add(i -> values.contains(i.pingStatus));
                }
                case "ResourceType" -> predicates.add(i -> values.contains("ManagedInstance"));
                case "PlatformTypes" -> predicates.add(i -> values.contains("Linux"));
                case "IamRole" -> predicates.add(i -> values.contains(i.iamRole));
                case "AgentVersion" -> predicates.add(i -> values.contains(i.agentVersion));
                case "AssociationStatus" -> predicates.add(i -> false);
                case "SourceIds" -> predicates.add(i -> values.contains(i.id));
                case "SourceTypes" -> predicates.add(i -> values.contains("AWS::SSM::ManagedInstance"));
                case "tag-key" -> predicates.add(i -> values.stream().anyMatch(i.tags::containsKey));
                default -> {
                    String tagKey = key.substring(4);
                    predicates.add(i -> values.contains(i.tags.get(tagKey)));
                    Map<String, Set<Long>> byValue = byTag.getOrDefault(tagKey, Map.of());
                    narrowed = union(values, byValue::get);
                }
            }
            if (narrowed != null && (candidates == null || narrowed.size() < candidates.size())) {
                candidates = narrowed;
            }
        }
        NavigableSet<Long> scan = candidates == null ? live.navigableKeySet() : candidates;
        long after = decodeToken(WireJson.text(req, "NextToken"), "InvalidNextToken");
        ArrayNode list = WireJson.array();
        String nextToken = null;
        long last = after;
        for (Long seq : scan.tailSet(after, false)) {
            Instance i = live.get(seq);
            if (i == null || !predicates.stream().allMatch(p -> p.test(i))) {
                continue;
            }
            if (list.size() == maxResults) {
                nextToken = encodeToken(last);
                break;
            }
            list.add(info(i));
            last = seq;
        }
        ObjectNode out = WireJson.object();
        out.set("InstanceInformationList", list);
        if (nextToken != null) {
            out.put("NextToken", nextToken);
        }
        return out;
    }

    JsonNode deregisterManagedInstance(JsonNode req) {
        String id = WireJson.text(req, "InstanceId");
        if (id == null || !MANAGED_INSTANCE_ID.matcher(id).matches()) {
            throw validation("Value '" + id + "' at 'instanceId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^mi-[0-9a-f]{17}$");
        }
        deregister(id);
        return WireJson.object();
    }

    /** Change Calendars by name, and their states (OPEN, CLOSED). */
    private final Map<String, String> calendars = new java.util.HashMap<>();

    void setCalendarState(String name, String state) {
        if (!state.equals("OPEN") && !state.equals("CLOSED")) {
            throw new IllegalArgumentException("a calendar is OPEN or CLOSED, not " + state);
        }
        calendars.put(name, state);
    }

    /**
     * GetCalendarState: OPEN only when every named calendar is OPEN (SSM's rule for several); an unknown calendar is
     * InvalidDocument, as SSM answers.
     */
    JsonNode getCalendarState(JsonNode req) {
        JsonNode names = req.path("CalendarNames");
        if (!names.isArray() || names.isEmpty()) {
            throw validation("1 validation error detected: Value null at 'calendarNames' failed to satisfy "
                    + "constraint: Member must not be null");
        }
        String state = "OPEN";
        for (JsonNode n : names) {
            String name = n.asText();
            String key = name.startsWith("arn:") ? name.substring(name.lastIndexOf('/') + 1) : name;
            String s = calendars.get(key);
            if (s == null) {
                throw AwsErrorException.client("InvalidDocument", "Document " + name + " does not exist.");
            }
            if (s.equals("CLOSED")) {
                state = "CLOSED";
            }
        }
        return WireJson.object().put("State", state).put("AtTime", clock.instant().toString());
    }

    void deregister(String instanceId) {
        Instance i = liveInstance(instanceId);
        i.deregistered = true;
        live.remove(i.seq);
    }

    JsonNode addTagsToResource(JsonNode req) {
        Instance i = taggable(req);
        Map<String, String> tags = tags(req.get("Tags"), 1000);
        Map<String, String> merged = new LinkedHashMap<>(i.tags);
        merged.putAll(tags);
        if (merged.size() > 50) {
            throw AwsErrorException.client("TooManyTagsError", "A managed instance can have at most 50 tags.");
        }
        tags.forEach((k, v) -> setTag(i, k, v));
        return WireJson.object();
    }

    JsonNode listTagsForResource(JsonNode req) {
        Instance i = taggable(req);
        ObjectNode out = WireJson.object();
        out.set("TagList", tagList(i.tags));
        return out;
    }

    private Instance taggable(JsonNode req) {
        String type = WireJson.text(req, "ResourceType");
        if (!"ManagedInstance".equals(type)) {
            throw AwsErrorException.client("InvalidResourceType", "The simulator supports only ResourceType ManagedInstance.");
        }
        String id = WireJson.text(req, "ResourceId");
        Instance i = id == null ? null : instances.get(id);
        if (i == null || i.deregistered) {
            throw AwsErrorException.client("InvalidResourceId", "The resource ID is not valid: " + id);
        }
        return i;
    }

    // ---------------------------------------------------------------- agent side

    /** What the SSM agent does with {@code -register -code -id -region}: consume one registration. */
    Instance register(String activationId, String activationCode, String hostname, String ipAddress,
                      String platformName, String platformVersion) {
        Activation a = activationId == null ? null : activations.get(activationId);
        if (a == null) {
            throw AwsErrorException.client("InvalidActivationId", "Activation ID is not valid: " + activationId);
        }
        byte[] given = activationCode == null ? new byte[0] : activationCode.getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(a.code, given)) {
            throw AwsErrorException.client("InvalidActivation", "Activation code is not valid for activation " + a.id + ".");
        }
        if (!a.expirationDate.isAfter(clock.instant())) {
            throw AwsErrorException.client("ActivationExpired", "Activation " + a.id + " has expired.");
        }
        if (a.registrationsCount >= a.registrationLimit) {
            throw AwsErrorException.client("InvalidActivation", "Registration limit of " + a.registrationLimit
                    + " reached for activation " + a.id + ".");
        }
        a.registrationsCount++;
        Instance i = newInstance(a.id, a.iamRole, a.defaultInstanceName, ipAddress, hostname, platformName, platformVersion);
        a.tags.forEach((k, v) -> setTag(i, k, v));
        return i;
    }

    /** A node registered through an activation that is already gone (as after the design's delete-after-use). */
    Instance seed(String name, String iamRole, Map<String, String> tags, String ipAddress) {
        Instance i = newInstance(UUID.randomUUID().toString(), iamRole, name, ipAddress, name, "Ubuntu", "22.04");
        tags.forEach((k, v) -> setTag(i, k, v));
        return i;
    }

    void ping(String instanceId, String pingStatus, String agentVersion) {
        if (!"Online".equals(pingStatus) && !"ConnectionLost".equals(pingStatus)) {
            throw validation("pingStatus must be Online or ConnectionLost.");
        }
        Instance i = liveInstance(instanceId);
        i.pingStatus = pingStatus;
        if (pingStatus.equals("Online")) {
            i.lastPing = clock.instant();
        }
        if (agentVersion != null && !agentVersion.isBlank()) {
            i.agentVersion = agentVersion;
        }
    }

    void silentSince(String instanceId, Instant lastPing) {
        Instance i = liveInstance(instanceId);
        i.pingStatus = "ConnectionLost";
        i.lastPing = lastPing;
    }

    /** The instance, if it exists and was not deregistered; else InvalidInstanceId as SSM answers. */
    Instance liveInstance(String instanceId) {
        Instance i = instanceId == null ? null : instances.get(instanceId);
        if (i == null || i.deregistered) {
            throw AwsErrorException.client("InvalidInstanceId", "Instance Id " + instanceId
                    + " is not valid or not registered.");
        }
        return i;
    }

    Instance instance(String instanceId) {
        return instances.get(instanceId);
    }

    Activation activation(String id) {
        return activations.get(id);
    }

    int activeInstanceCount() {
        return live.size();
    }

    /** Every managed instance ever registered, deregistered ones too (ground truth for the soak's checks). */
    List<ManagedInstanceView> allInstances() {
        return instances.values().stream().map(Instance::view).toList();
    }

    /** Activations not deleted: id, default instance name and expiry (ground truth for the soak's leak check). */
    List<ActivationView> liveActivations() {
        return activations.values().stream()
                .map(a -> new ActivationView(a.id, a.defaultInstanceName, a.expirationDate, a.registrationsCount))
                .toList();
    }

    private Instance newInstance(String activationId, String iamRole, String name, String ip, String hostname,
                                 String platformName, String platformVersion) {
        String id;
        do {
            id = "mi-" + hex(17);
        } while (instances.containsKey(id));
        Instance i = new Instance(id, ++sequence, activationId, iamRole, name, ip, hostname, platformName,
                platformVersion, clock.instant());
        instances.put(id, i);
        live.put(i.seq, i);
        byActivation.computeIfAbsent(activationId, k -> new TreeSet<>()).add(i.seq);
        return i;
    }

    private void setTag(Instance i, String key, String value) {
        String old = i.tags.put(key, value);
        Map<String, Set<Long>> byValue = byTag.computeIfAbsent(key, k -> new HashMap<>());
        if (old != null) {
            Set<Long> set = byValue.get(old);
            if (set != null) {
                set.remove(i.seq);
            }
        }
        byValue.computeIfAbsent(value, k -> new TreeSet<>()).add(i.seq);
    }

    private ObjectNode info(Instance i) {
        ObjectNode node = WireJson.object()
                .put("InstanceId", i.id)
                .put("PingStatus", i.pingStatus)
                .put("AgentVersion", i.agentVersion)
                .put("IsLatestVersion", false)
                .put("PlatformType", "Linux")
                .put("ActivationId", i.activationId)
                .put("IamRole", i.iamRole)
                .put("ResourceType", "ManagedInstance")
                .put("SourceId", i.id)
                .put("SourceType", "AWS::SSM::ManagedInstance");
        WireJson.putTime(node, "LastPingDateTime", i.lastPing);
        WireJson.putTime(node, "RegistrationDate", i.registrationDate);
        putIfSet(node, "PlatformName", i.platformName);
        putIfSet(node, "PlatformVersion", i.platformVersion);
        putIfSet(node, "Name", i.name);
        putIfSet(node, "IPAddress", i.ipAddress);
        putIfSet(node, "ComputerName", i.computerName);
        return node;
    }

    private static void putIfSet(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static NavigableSet<Long> union(Set<String> values, java.util.function.Function<String, Set<Long>> lookup) {
        NavigableSet<Long> out = new TreeSet<>();
        for (String v : values) {
            Set<Long> seqs = lookup.apply(v);
            if (seqs != null) {
                out.addAll(seqs);
            }
        }
        return out;
    }

    private static Map<String, String> tags(JsonNode list, int max) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (list == null) {
            return tags;
        }
        if (list.size() > max) {
            throw validation("Too many tags: at most " + max + ".");
        }
        for (JsonNode t : list) {
            String key = WireJson.text(t, "Key");
            String value = WireJson.text(t, "Value");
            if (key == null || key.isEmpty() || key.length() > 128 || value == null || value.length() > 256) {
                throw validation("Tag keys need 1-128 characters and values at most 256.");
            }
            tags.put(key, value);
        }
        return tags;
    }

    private static ArrayNode tagList(Map<String, String> tags) {
        ArrayNode list = WireJson.array();
        tags.forEach((k, v) -> list.addObject().put("Key", k).put("Value", v));
        return list;
    }

    private static int range(Integer value, int dflt, int min, int max, String member) {
        int v = value == null ? dflt : value;
        if (v < min || v > max) {
            throw validation("1 validation error detected: Value '" + v + "' at '" + member
                    + "' failed to satisfy constraint: Member must have value between " + min + " and " + max);
        }
        return v;
    }

    static AwsErrorException validation(String message) {
        return AwsErrorException.client("ValidationException", message);
    }

    static String encodeToken(long position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("p:" + position).getBytes(StandardCharsets.UTF_8));
    }

    static long decodeToken(String token, String errorType) {
        if (token == null) {
            return 0;
        }
        try {
            String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (s.startsWith("p:")) {
                return Long.parseLong(s.substring(2));
            }
        } catch (IllegalArgumentException e) {
            // falls through to the typed error below
        }
        throw AwsErrorException.client(errorType, "The specified token is not valid.");
    }

    private String randomCode() {
        StringBuilder sb = new StringBuilder(20);
        for (int i = 0; i < 20; i++) {
            sb.append(CODE_ALPHABET.charAt(random.nextInt(CODE_ALPHABET.length())));
        }
        return sb.toString();
    }

    String hex(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(Character.forDigit(random.nextInt(16), 16));
        }
        return sb.toString();
    }

    String region() {
        return region;
    }
}
