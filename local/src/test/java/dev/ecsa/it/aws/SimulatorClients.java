package dev.ecsa.it.aws;

import dev.ecsa.functions.aws.AwsClients;
import dev.ecsa.local.sim.ControlPlaneSimulator;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** The production {@link AwsClients} pointed at a bench endpoint, as the local mode builds them. */
final class SimulatorClients {

    private SimulatorClients() {
    }

    static AwsClients of(ControlPlaneSimulator sim) {
        return of(sim.endpoint(), sim.config().region());
    }

    static AwsClients of(URI endpoint, String region) {
        return new AwsClients(AwsClients.Settings.aws(Region.of(region))
                .withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .withEndpoint(endpoint));
    }
}
