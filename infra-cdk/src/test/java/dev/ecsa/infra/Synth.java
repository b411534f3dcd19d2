package dev.ecsa.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/** The stack synthesized as `cdk synth -c ...` would, with cdk-nag, for template and annotation assertions. */
record Synth(Template template, Annotations annotations, EcsaConfig config) {

    static final String REGION = "eu-west-1";
    static final String ACCOUNT = "123456789012";
    /** AWS's Service Authorization Reference as data, installed by bin/setup from the lockfile. */
    static final Path IAM_DATA = Path.of("..", "node_modules", "@cloud-copilot", "iam-data", "data");

    static Synth of(Map<String, Object> context) {
        Map<String, Object> all = new HashMap<>(context);
        all.put("ecsa:functionsZip", System.getProperty("ecsa.functions.zip",
                "../functions/target/ecsa-functions-lambda.zip"));
        App app = new App(AppProps.builder().context(all).build());
        EcsaConfig config = EcsaConfig.fromContext(app.getNode());
        EcsaStack stack = new EcsaStack(app, config.stackName(), StackProps.builder()
                .env(Environment.builder().account(ACCOUNT).region(REGION).build())
                .build(), config);
        Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
        app.synth();
        return new Synth(Template.fromStack(stack), Annotations.fromStack(stack), config);
    }

    TemplateIam iam() {
        return new TemplateIam(template.toJSON(), REGION, ACCOUNT);
    }

    /** cdk-nag's errors and warnings that no acknowledgement covers. */
    List<String> nagFindings() {
        List<SynthesisMessage> all = new java.util.ArrayList<>(
                annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*")));
        all.addAll(annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*")));
        return all.stream().map(m -> m.getId() + ": " + m.getEntry().getData()).toList();
    }

    /** The stack's own warnings (not cdk-nag's). */
    List<String> warnings() {
        return annotations.findWarning("*", Match.anyValue()).stream()
                .map(m -> String.valueOf(m.getEntry().getData()))
                .filter(text -> !text.startsWith("AwsSolutions-")).toList();
    }

    /** A function's environment variables (logical id prefix NodeRequest, DrainStep or Reconcile). */
    Map<String, Object> environmentOf(String functionPrefix) {
        Map<String, Map<String, Object>> fns = template.findResources("AWS::Lambda::Function");
        for (var e : fns.entrySet()) {
            if (e.getKey().startsWith(functionPrefix)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> props = (Map<String, Object>) e.getValue().get("Properties");
                @SuppressWarnings("unchecked")
                Map<String, Object> env = (Map<String, Object>) ((Map<String, Object>) props.get("Environment"))
                        .get("Variables");
                return env;
            }
        }
        throw new AssertionError("no function " + functionPrefix);
    }

    /** A function's property (Timeout, MemorySize, VpcConfig...). */
    Object propertyOf(String functionPrefix, String property) {
        Map<String, Map<String, Object>> fns = template.findResources("AWS::Lambda::Function");
        for (var e : fns.entrySet()) {
            if (e.getKey().startsWith(functionPrefix)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> props = (Map<String, Object>) e.getValue().get("Properties");
                return props.get(property);
            }
        }
        throw new AssertionError("no function " + functionPrefix);
    }
}
