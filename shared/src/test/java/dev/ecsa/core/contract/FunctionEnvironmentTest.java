package dev.ecsa.core.contract;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FunctionEnvironmentTest {

    private static Map<String, String> all(Iterable<String> names) {
        Map<String, String> env = new HashMap<>();
        names.forEach(n -> env.put(n, "set"));
        return env;
    }

    @Test
    void aFunctionWithEveryRequiredVariableStarts() {
        assertThatCode(() -> FunctionEnvironment.requireAll(all(FunctionEnvironment.RECONCILE_REQUIRED),
                FunctionEnvironment.RECONCILE_REQUIRED, "Reconcile")).doesNotThrowAnyException();
    }

    @Test
    void aMissingOrBlankVariableFailsTheInitNamingEachOne() {
        Map<String, String> env = all(FunctionEnvironment.RECONCILE_REQUIRED);
        env.remove(FunctionEnvironment.ECS_ANYWHERE_ROLE);
        env.put(FunctionEnvironment.TABLE_NAME, " ");

        assertThatThrownBy(() -> FunctionEnvironment.requireAll(env, FunctionEnvironment.RECONCILE_REQUIRED,
                "Reconcile"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Reconcile cannot start: the stack did not set [ECSA_ECS_ANYWHERE_ROLE, ECSA_TABLE_NAME]");
    }
}
