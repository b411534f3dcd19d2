package dev.ecsa.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;

/** The CDK app that cdk.json runs: one stack, checked by cdk-nag's AwsSolutions pack on every synth. */
public final class EcsaApp {

    private EcsaApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        EcsaConfig config = EcsaConfig.fromContext(app.getNode());
        EcsaStack stack = new EcsaStack(app, config.stackName(), StackProps.builder()
                .env(Environment.builder()
                        .account(System.getenv("CDK_DEFAULT_ACCOUNT"))
                        .region(System.getenv("CDK_DEFAULT_REGION"))
                        .build())
                .description("ECS Anywhere node lifecycle: register, drain, deregister, reconcile")
                .build(), config);
        Tags.of(stack).add("ecsa:stack", config.stackName());
        Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
        app.synth();
    }
}
