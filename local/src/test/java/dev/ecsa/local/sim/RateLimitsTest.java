package dev.ecsa.local.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitsTest {

    private static final String DESCRIBE = "AmazonEC2ContainerServiceV20141113.DescribeContainerInstances";
    private static final String LIST = "AmazonEC2ContainerServiceV20141113.ListContainerInstances";
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final RateLimits limits = RateLimits.of(RateLimits.AWS, now::get);

    private int passing(String operation, int tries) {
        int passed = 0;
        for (int i = 0; i < tries; i++) {
            passed += limits.tryAcquire(operation) ? 1 : 0;
        }
        return passed;
    }

    @Test
    void theBurstPassesThenTheBucketThrottles() {
        assertThat(passing(DESCRIBE, 150)).isEqualTo(100); // ECS cluster resource read: 100 burst
        assertThat(limits.tryAcquire(DESCRIBE)).isFalse();
    }

    @Test
    void operationsOfOneCategoryShareTheBucket() {
        assertThat(passing(DESCRIBE, 60)).isEqualTo(60);
        assertThat(passing(LIST, 60)).isEqualTo(40);
    }

    @Test
    void theBucketRefillsAtTheSustainedRateUpToItsCapacity() {
        passing(DESCRIBE, 100);
        now.addAndGet(500_000_000L); // half a second at 20/s: 10 tokens
        assertThat(passing(DESCRIBE, 50)).isEqualTo(10);
        now.addAndGet(3_600_000_000_000L); // an hour: full again, not more
        assertThat(passing(DESCRIBE, 500)).isEqualTo(100);
    }

    @Test
    void ssmActivationWritesHaveTheirOwnSmallerBucket() {
        assertThat(passing("AmazonSSM.CreateActivation", 30)).isEqualTo(10);
        assertThat(passing("AmazonSSM.DescribeInstanceInformation", 50)).isEqualTo(40);
        assertThat(limits.categoryOf("AmazonSSM.DeleteActivation").orElseThrow().name())
                .isEqualTo("ssm: activation writes (assumed)");
    }

    @Test
    void operationsOutsideTheTableAndNoLimitsAtAllPass() {
        assertThat(passing("secretsmanager.GetSecretValue", 1000)).isEqualTo(1000);
        assertThat(RateLimits.none().tryAcquire(DESCRIBE)).isTrue();
    }

    @Test
    void anOperationInTwoCategoriesIsRefused() {
        assertThatThrownBy(() -> RateLimits.of(List.of(
                new RateLimits.Category("a", List.of("X.Op"), 1, 1),
                new RateLimits.Category("b", List.of("X.Op"), 1, 1)), now::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("X.Op");
    }
}
