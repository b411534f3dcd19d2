package dev.ecsa.functions.intake;

/** Lets tests in other packages run the same {@code bash -n} check. */
public final class TemplateBootstrapScriptsTestAccess {

    private TemplateBootstrapScriptsTestAccess() {
    }

    public static int bashSyntaxCheck(String script) throws Exception {
        return TemplateBootstrapScriptsTest.bashSyntaxCheck(script);
    }
}
