package dev.ecsa.infra;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.IChainable;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.constructs.Construct;

/** What the stack's two workflows share: a Standard state machine, traced, logging every event to its own group. */
final class Workflows {

    private Workflows() {
    }

    /** The state machine {@code name} under {@code scope} (children "Logs" and "StateMachine"), starting at {@code start}. */
    static StateMachine standard(Construct scope, String name, IChainable start, String comment, Duration timeout,
                                 RetentionDays logRetention) {
        LogGroup logs = LogGroup.Builder.create(scope, "Logs")
                .retention(logRetention)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        return StateMachine.Builder.create(scope, "StateMachine")
                .stateMachineName(name)
                .stateMachineType(StateMachineType.STANDARD)
                .definitionBody(DefinitionBody.fromChainable(start))
                .comment(comment)
                .timeout(timeout)
                .tracingEnabled(true)
                .logs(LogOptions.builder().destination(logs).level(LogLevel.ALL).includeExecutionData(true).build())
                .build();
    }
}
