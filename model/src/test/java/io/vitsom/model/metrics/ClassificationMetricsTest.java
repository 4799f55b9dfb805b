package io.vitsom.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {

    private static final double EPS = 1e-12;

    @Test
    void macroScoresOfSmallExample() {
        // actual    [0,0,0,1,1,2]
        // predicted [0,0,1,1,2,2]
        // class 0: tp 2, predicted 2, actual 3 -> P 1,   R 2/3, F1 2*2/(2+3) = 4/5
        // class 1: tp 1, predicted 2, actual 2 -> P 1/2, R 1/2, F1 2/(2+2)   = 1/2
        // class 2: tp 1, predicted 2, actual 1 -> P 1/2, R 1,   F1 2/(2+1)   = 2/3
        // accuracy 4/6 = 2/3; macro P (1 + 1/2 + 1/2)/3 = 2/3; macro R (2/3 + 1/2 + 1)/3 = 13/18;
        // macro F1 (4/5 + 1/2 + 2/3)/3 = 59/90.
        int[] actual = {0, 0, 0, 1, 1, 2};
        int[] predicted = {0, 0, 1, 1, 2, 2};
        ClassificationMetrics m = ClassificationMetrics.of(predicted, actual, 3);
        assertThat(m.accuracy()).isCloseTo(2.0 / 3, within(EPS));
        assertThat(m.macroPrecision()).isCloseTo(2.0 / 3, within(EPS));
        assertThat(m.macroRecall()).isCloseTo(13.0 / 18, within(EPS));
        assertThat(m.macroF1()).isCloseTo(59.0 / 90, within(EPS));

        // Classes 3 and 4 appear nowhere, so they do not enter the macro average.
        assertThat(ClassificationMetrics.of(predicted, actual, 5)).isEqualTo(m);
    }

    @Test
    void classOnlyPredictedCountsWithZeroScores() {
        // actual [0,0], predicted [0,1]:
        // class 0: tp 1, predicted 1, actual 2 -> P 1, R 1/2, F1 2/(1+2) = 2/3
        // class 1: tp 0, predicted 1, actual 0 -> P 0, R 0/0 -> 0, F1 0
        // macro P 1/2, R 1/4, F1 1/3; accuracy 1/2.
        ClassificationMetrics m = ClassificationMetrics.of(new int[] {0, 1}, new int[] {0, 0}, 2);
        assertThat(m.accuracy()).isCloseTo(0.5, within(EPS));
        assertThat(m.macroPrecision()).isCloseTo(0.5, within(EPS));
        assertThat(m.macroRecall()).isCloseTo(0.25, within(EPS));
        assertThat(m.macroF1()).isCloseTo(1.0 / 3, within(EPS));
    }

    @Test
    void unknownPredictionIsAWrongClassOfItsOwnAndUnknownActualIsSkipped() {
        // Scored pairs (predicted, actual): (0,0), (-1,1); the pair with actual -1 is left out.
        // class 0: P 1, R 1, F1 1; class 1: predicted 0 times -> P 0, R 0/1 = 0, F1 0;
        // class "-1": predicted once, never actual -> P 0/1 = 0, R 0, F1 0.
        // macro = 1/3 each; accuracy 1/2.
        ClassificationMetrics m = ClassificationMetrics.of(new int[] {0, -1, 1}, new int[] {0, 1, -1}, 2);
        assertThat(m.accuracy()).isCloseTo(0.5, within(EPS));
        assertThat(m.macroPrecision()).isCloseTo(1.0 / 3, within(EPS));
        assertThat(m.macroRecall()).isCloseTo(1.0 / 3, within(EPS));
        assertThat(m.macroF1()).isCloseTo(1.0 / 3, within(EPS));
    }

    @Test
    void perfectPredictionsScoreOne() {
        int[] labels = {2, 0, 1, 1, 0};
        assertThat(ClassificationMetrics.of(labels, labels, 3)).isEqualTo(new ClassificationMetrics(1, 1, 1, 1));
    }

    @Test
    void noLabelledSampleIsUndefined() {
        ClassificationMetrics m = ClassificationMetrics.of(new int[] {0}, new int[] {-1}, 2);
        assertThat(m.accuracy()).isNaN();
        assertThat(m.macroF1()).isNaN();
    }

    @Test
    void rejectsLabelsOutOfRange() {
        assertThatThrownBy(() -> ClassificationMetrics.of(new int[] {3}, new int[] {0}, 3))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClassificationMetrics.of(new int[] {0, 1}, new int[] {0}, 3))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
