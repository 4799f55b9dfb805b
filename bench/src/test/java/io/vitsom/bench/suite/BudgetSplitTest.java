package io.vitsom.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BudgetSplitTest {
    @Test
    void theBudgetIsSplitEvenlyOverTheRuns() {
        assertThat(BudgetSplit.shareSeconds(60, 4)).isEqualTo(900.0);
        assertThat(BudgetSplit.shareSeconds(0.5, 3)).isEqualTo(10.0);
        assertThatThrownBy(() -> BudgetSplit.shareSeconds(0, 3)).hasMessageContaining("--budget-minutes");
        assertThatThrownBy(() -> BudgetSplit.shareSeconds(10, 0)).hasMessageContaining("no runs");
    }

    @Test
    void aShareBecomesWholeEpochsAtTheMeasuredSpeed() {
        // 900 s at 200 img/s = 180,000 images = 3 epochs of 60,000.
        assertThat(BudgetSplit.epochs(900, 200, 60_000, 1, 500)).isEqualTo(3);
        // Just short of a 4th epoch: floor.
        assertThat(BudgetSplit.epochs(1199, 200, 60_000, 1, 500)).isEqualTo(3);
        // Three seeds share the cell's time.
        assertThat(BudgetSplit.epochs(900, 200, 20_000, 3, 500)).isEqualTo(3);
        // At least one epoch, at most the config's total_epochs.
        assertThat(BudgetSplit.epochs(1, 10, 60_000, 1, 500)).isEqualTo(1);
        assertThat(BudgetSplit.epochs(1e6, 1e6, 100, 1, 200)).isEqualTo(200);
        assertThatThrownBy(() -> BudgetSplit.epochs(10, Double.NaN, 100, 1, 5)).hasMessageContaining("positive");
        assertThatThrownBy(() -> BudgetSplit.epochs(10, 5, 0, 1, 5)).hasMessageContaining("> 0");
    }
}
