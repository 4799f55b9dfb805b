package io.vitsom.model.checkpoint;

/** The version of this code, recorded in every checkpoint and result file. */
public final class CodeVersion {
    private CodeVersion() {
    }

    /**
     * {@code <project version>+<git commit>}: the commit comes from the {@code vitsom.git} system property
     * that the {@code ./vitsom} launcher sets; "unknown" when neither is available.
     */
    public static String describe() {
        String version = CodeVersion.class.getPackage().getImplementationVersion();
        String git = System.getProperty("vitsom.git", "");
        String base = version == null ? "0.1.0-SNAPSHOT" : version;
        return git.isBlank() ? base : base + "+" + git;
    }
}
