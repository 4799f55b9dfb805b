package io.vitsom.stream;

import org.apache.kafka.common.config.TopicConfig;

/** A topic's {@code cleanup.policy}: keep a time window of records, or the latest record per key. */
public enum CleanupPolicy {
    /** Old segments are deleted by retention (event streams). */
    DELETE(TopicConfig.CLEANUP_POLICY_DELETE),
    /** The newest record per key is kept forever (state such as the prototype map). */
    COMPACT(TopicConfig.CLEANUP_POLICY_COMPACT);

    private final String configValue;

    CleanupPolicy(String configValue) {
        this.configValue = configValue;
    }

    /** The value of the {@code cleanup.policy} topic config. */
    public String configValue() {
        return configValue;
    }
}
