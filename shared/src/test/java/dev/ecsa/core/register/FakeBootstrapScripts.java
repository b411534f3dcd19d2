package dev.ecsa.core.register;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.model.AgentVersions;
import dev.ecsa.core.port.ScriptResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link BootstrapScripts} with a trivial format, for unit tests of the use case: the "script" is {@code KEY=value}
 * lines that {@link BootstrapHost} reads, and the result is one {@code RESULT k=v|k=v} line. The real template and
 * result line are tested in {@code functions} (TemplateBootstrapScripts).
 */
final class FakeBootstrapScripts implements BootstrapScripts {

    private final List<BootstrapInput> rendered = new ArrayList<>();

    @Override
    public synchronized String render(BootstrapInput in) {
        rendered.add(in);
        StringBuilder s = new StringBuilder("# fake bootstrap\n");
        s.append("NODE_ID=").append(in.nodeId()).append('\n');
        s.append("CLUSTER=").append(in.cluster()).append('\n');
        s.append("ACTIVATION_ID=").append(in.activation().activationId()).append('\n');
        s.append("ACTIVATION_CODE=").append(in.activation().code()).append('\n');
        s.append("AGENT_WAIT=").append(in.agentWait().toSeconds()).append('\n');
        in.attributes().forEach((k, v) -> s.append("ATTR=").append(k).append(':').append(v).append('\n'));
        return s.toString();
    }

    @Override
    public BootstrapReport parse(ScriptResult result) {
        String line = result.stdoutTail().lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                .orElseThrow(() -> new PermanentException(Reason.SCRIPT_OUTPUT_INVALID, "no result line"));
        Map<String, String> f = new LinkedHashMap<>();
        for (String part : line.substring("RESULT ".length()).split("\\|")) {
            int eq = part.indexOf('=');
            f.put(part.substring(0, eq), part.substring(eq + 1));
        }
        List<BootstrapReport.Finding> findings = new ArrayList<>();
        if (f.containsKey("findings")) {
            for (String code : f.get("findings").split(",")) {
                findings.add(new BootstrapReport.Finding(code, true, code + " found"));
            }
        }
        boolean ok = Boolean.parseBoolean(f.get("ok"));
        return new BootstrapReport(ok, ok ? null : Reason.valueOf(f.get("reason")), f.get("step"), f.get("code"),
                f.get("message"), f.get("mi"), f.get("arn"), f.get("cluster"),
                new AgentVersions(f.get("ssm"), f.get("ecs"), null), findings, f.get("tail"));
    }

    /** Every input rendered, in order. */
    synchronized List<BootstrapInput> rendered() {
        return List.copyOf(rendered);
    }

    /** The values of a rendered fake script. */
    static Map<String, String> values(String script) {
        Map<String, String> v = new LinkedHashMap<>();
        script.lines().filter(l -> l.contains("=") && !l.startsWith("#") && !l.startsWith("ATTR="))
                .forEach(l -> v.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        return v;
    }
}
