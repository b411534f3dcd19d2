package dev.ecsa.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.cxapi.CloudAssembly;

/**
 * Writes the drain workflow's Amazon States Language definition, exactly as the stack deploys it, as plain JSON,
 * so the offline bench runs the same state machine on a local interpreter.
 *
 * <p>In the template the definition is a {@code DefinitionString} built with {@code Fn::Join} around references
 * (the drain function's alias ARN). Those are resolved to stable placeholder ARNs in region
 * {@value #REGION} and account {@value #ACCOUNT}, e.g. {@code arn:aws:lambda:us-east-1:123456789012:function:DrainStep:live};
 * the local interpreter binds Task states by state name, so the ARNs only have to be well-formed.
 *
 * <p>Usage: {@code DrainWorkflowDefinition <functions zip> <output file>}; the infra-cdk build runs it in the
 * {@code package} phase and writes {@code infra-cdk/target/drain-workflow.asl.json}, and the rollout workflow's
 * beside it ({@value #ROLLOUT_FILE}).
 */
public final class DrainWorkflowDefinition {

    /** Region of the placeholder ARNs. */
    public static final String REGION = "us-east-1";
    /** Account of the placeholder ARNs. */
    public static final String ACCOUNT = "123456789012";

    private static final String STATE_MACHINE_TYPE = "AWS::StepFunctions::StateMachine";
    /** The constructs of the two workflows (EcsaStack). */
    public static final String DRAIN_CONSTRUCT = "DrainStateMachine";
    public static final String ROLLOUT_CONSTRUCT = "RolloutStateMachine";
    /** The rollout definition's file name, written beside the drain's. */
    public static final String ROLLOUT_FILE = "rollout-workflow.asl.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DrainWorkflowDefinition() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: DrainWorkflowDefinition <functions zip> <output file> "
                    + "[<template output file> [<variant template output file> key=value...]]");
        }
        JsonNode template = synthesizeTemplate(args[0]);
        write(Path.of(args[1]), fromTemplate(template));
        write(Path.of(args[1]).toAbsolutePath().resolveSibling(ROLLOUT_FILE), rolloutFromTemplate(template));
        if (args.length >= 3) {
            // The whole template: the bench runs each function with its handler, timeout, memory, environment and
            // IAM policy from here, as Lambda would from the deployed stack.
            write(Path.of(args[2]), template);
        }
        if (args.length >= 4) {
            // The same stack deployed with other context (-c key=value), for benches that need it.
            Map<String, Object> context = new java.util.LinkedHashMap<>();
            for (int i = 4; i < args.length; i++) {
                int eq = args[i].indexOf('=');
                if (eq < 1) {
                    throw new IllegalArgumentException("context must be key=value, not " + args[i]);
                }
                context.put(args[i].substring(0, eq), args[i].substring(eq + 1));
            }
            write(Path.of(args[3]), synthesizeTemplate(args[0], context));
        }
    }

    private static void write(Path output, JsonNode json) throws IOException {
        Files.createDirectories(output.toAbsolutePath().getParent());
        Files.writeString(output, JSON.writeValueAsString(json) + "\n");
    }

    /**
     * Synthesizes the stack with the default configuration (no cdk-nag: the definition does not depend on it)
     * and returns the drain state machine's definition with every intrinsic resolved to a placeholder.
     */
    public static JsonNode synthesize(String functionsZip) {
        return fromTemplate(synthesizeTemplate(functionsZip));
    }

    /** The stack's whole template with the default configuration. */
    public static JsonNode synthesizeTemplate(String functionsZip) {
        return synthesizeTemplate(functionsZip, Map.of());
    }

    /** The stack's whole template as a deploy with this further context ({@code -c key=value}) has it. */
    public static JsonNode synthesizeTemplate(String functionsZip, Map<String, Object> extraContext) {
        Map<String, Object> context = new java.util.HashMap<>(extraContext);
        context.put("ecsa:functionsZip", functionsZip);
        // Path metadata (which the CDK CLI turns on) names the constructs behind the placeholder ARNs.
        context.put("aws:cdk:enable-path-metadata", true);
        App app = new App(AppProps.builder().context(context).build());
        EcsaConfig config = EcsaConfig.fromContext(app.getNode());
        EcsaStack stack = new EcsaStack(app, config.stackName(), StackProps.builder().build(), config);
        CloudAssembly assembly = app.synth();
        return JSON.valueToTree(assembly.getStackByName(stack.getStackName()).getTemplate());
    }

    /**
     * The definition of the template's only state machine, parsed from its {@code DefinitionString}.
     *
     * @throws IllegalArgumentException if the template has no or several state machines, or the definition uses
     *                                  an intrinsic this resolver does not know
     */
    public static JsonNode fromTemplate(JsonNode template) {
        return fromTemplate(template, DRAIN_CONSTRUCT);
    }

    /** The rollout workflow's definition, resolved the same way. */
    public static JsonNode rolloutFromTemplate(JsonNode template) {
        return fromTemplate(template, ROLLOUT_CONSTRUCT);
    }

    /**
     * The definition of the template's one state machine under construct {@code construct} (by its CDK path).
     *
     * @throws IllegalArgumentException if there is none or several
     */
    public static JsonNode fromTemplate(JsonNode template, String construct) {
        JsonNode resources = template.path("Resources");
        List<JsonNode> machines = new ArrayList<>();
        for (Map.Entry<String, JsonNode> resource : resources.properties()) {
            if (STATE_MACHINE_TYPE.equals(resource.getValue().path("Type").asText())
                    && resource.getValue().path("Metadata").path("aws:cdk:path").asText("")
                    .contains("/" + construct + "/")) {
                machines.add(resource.getValue());
            }
        }
        if (machines.size() != 1) {
            throw new IllegalArgumentException("expected one " + STATE_MACHINE_TYPE + " under " + construct
                    + ", found " + machines.size());
        }
        String text = new Resolver(resources).resolve(machines.get(0).path("Properties").path("DefinitionString"));
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("the resolved DefinitionString is not JSON", e);
        }
    }

    /** Resolves the intrinsics CDK puts into a DefinitionString to fixed placeholder values. */
    private record Resolver(JsonNode resources) {

        String resolve(JsonNode value) {
            if (value.isTextual()) {
                return value.asText();
            }
            if (value.isObject() && value.size() == 1) {
                String fn = value.fieldNames().next();
                JsonNode args = value.get(fn);
                switch (fn) {
                    case "Fn::Join":
                        StringBuilder joined = new StringBuilder();
                        String separator = args.get(0).asText();
                        for (Iterator<JsonNode> parts = args.get(1).elements(); parts.hasNext(); ) {
                            joined.append(resolve(parts.next()));
                            if (parts.hasNext()) {
                                joined.append(separator);
                            }
                        }
                        return joined.toString();
                    case "Ref":
                        return ref(args.asText());
                    case "Fn::GetAtt":
                        if ("Arn".equals(args.get(1).asText())) {
                            return arn(args.get(0).asText());
                        }
                        break;
                    default:
                        break;
                }
            }
            throw new IllegalArgumentException("unsupported intrinsic in DefinitionString: " + value);
        }

        private String ref(String name) {
            return switch (name) {
                case "AWS::Region" -> REGION;
                case "AWS::AccountId" -> ACCOUNT;
                case "AWS::Partition" -> "aws";
                case "AWS::URLSuffix" -> "amazonaws.com";
                // Ref of a Lambda function is its name; of an alias or a version, its ARN.
                default -> "AWS::Lambda::Function".equals(type(name)) ? constructId(name) : arn(name);
            };
        }

        private String arn(String logicalId) {
            JsonNode resource = resource(logicalId);
            String type = type(logicalId);
            return switch (type) {
                case "AWS::Lambda::Function" -> "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:"
                        + constructId(logicalId);
                case "AWS::Lambda::Alias" -> functionArn(resource) + ":" + resource.path("Properties").path("Name").asText();
                case "AWS::Lambda::Version" -> functionArn(resource) + ":1";
                default -> {
                    // e.g. AWS::SNS::Topic -> arn:aws:sns:us-east-1:123456789012:topic/<id>
                    String[] parts = type.split("::");
                    yield "arn:aws:" + parts[1].toLowerCase() + ":" + REGION + ":" + ACCOUNT + ":"
                            + parts[2].toLowerCase() + "/" + constructId(logicalId);
                }
            };
        }

        private String functionArn(JsonNode aliasOrVersion) {
            JsonNode function = aliasOrVersion.path("Properties").path("FunctionName");
            if (function.has("Ref")) {
                return arn(function.get("Ref").asText());
            }
            throw new IllegalArgumentException("unsupported FunctionName: " + function);
        }

        private JsonNode resource(String logicalId) {
            JsonNode resource = resources.get(logicalId);
            if (resource == null) {
                throw new IllegalArgumentException("DefinitionString refers to unknown resource " + logicalId);
            }
            return resource;
        }

        private String type(String logicalId) {
            return resource(logicalId).path("Type").asText();
        }

        /** The construct id from CDK's path metadata ("Stack/DrainStep/Resource" -> "DrainStep"): stable and readable. */
        private String constructId(String logicalId) {
            String path = resource(logicalId).path("Metadata").path("aws:cdk:path").asText("");
            String[] segments = path.split("/");
            if (segments.length >= 2) {
                String last = segments[segments.length - 1];
                return "Resource".equals(last) || "Default".equals(last) ? segments[segments.length - 2] : last;
            }
            return logicalId;
        }
    }
}
