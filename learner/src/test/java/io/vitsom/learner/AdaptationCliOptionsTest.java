package io.vitsom.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitsom.model.adapt.AdaptationConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The continual-learning options of {@code learn} and {@code run}. */
class AdaptationCliOptionsTest {
    private static LearnerOptions parse(String... args) {
        LearnerCliOptions options = new LearnerCliOptions();
        new CommandLine(options).parseArgs(args);
        return options.toOptions();
    }

    @Test
    void defaultsAreTheLearnersDefaults() {
        LearnerOptions o = parse();
        AdaptationConfig a = o.adaptation();
        assertThat(o.horizonImages()).isEqualTo(LearnerOptions.DEFAULT_HORIZON_IMAGES);
        assertThat(a.rehearsal()).isEqualTo(AdaptationConfig.defaults().rehearsal());
        assertThat(a.maintenance()).isEqualTo(AdaptationConfig.Maintenance.defaults());
        assertThat(a.plasticity()).isEqualTo(AdaptationConfig.Plasticity.defaults());
        assertThat(a.plasticity().enabled()).isTrue();
        assertThat(a.detection().enabled()).isTrue();
        assertThat(a.detection()).isEqualTo(AdaptationConfig.Detection.defaults());
        assertThat(a.quarantine().enabled()).isFalse();
        assertThat(a.upkeep().enabled()).isFalse();
        assertThat(a.shadow().used()).isFalse();
    }

    @Test
    void everySwitchAndSettingReachesTheConfig() {
        AdaptationConfig a = parse("--rehearsal", "off", "--maintenance", "reference", "--plasticity", "off",
                "--drift-detection", "off", "--quarantine", "on", "--quarantine-warmup", "64", "--upkeep", "on",
                "--shadow", "on-drift", "--shadow-promote", "auto", "--drift-warmup-images", "5000",
                "--plasticity-anneal-images", "777").adaptation();
        assertThat(a.rehearsal().enabled()).isFalse();
        assertThat(a.maintenance()).isEqualTo(AdaptationConfig.Maintenance.reference());
        assertThat(a.plasticity().enabled()).isFalse();
        assertThat(a.plasticity().annealImages()).isEqualTo(777);
        assertThat(a.detection().enabled()).isFalse();
        assertThat(a.detection().warmupImages()).isEqualTo(5000);
        assertThat(a.quarantine().enabled()).isTrue();
        assertThat(a.quarantine().warmupImages()).isEqualTo(64);
        assertThat(a.upkeep().enabled()).isTrue();
        assertThat(a.shadow().onDrift()).isTrue();
        assertThat(a.shadow().atStart()).isFalse();
        assertThat(a.shadow().autoPromote()).isTrue();
    }

    @Test
    void badValuesNameTheOption() {
        assertThatThrownBy(() -> parse("--rehearsal", "maybe")).hasMessageContaining("--rehearsal must be on or off");
        assertThatThrownBy(() -> parse("--shadow", "always")).hasMessageContaining("--shadow must be off, start or");
        assertThatThrownBy(() -> parse("--rehearsal-share", "1.0")).hasMessageContaining("rehearsal share");
        assertThatThrownBy(() -> parse("--maintenance", "frozen")).hasMessageContaining("--maintenance must be");
    }
}
