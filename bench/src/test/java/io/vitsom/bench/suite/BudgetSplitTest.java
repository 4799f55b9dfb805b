package io.vitsom.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitsom.bench.suite.BudgetSplit.CellCost;
import io.vitsom.bench.suite.BudgetSplit.CellPlan;
import io.vitsom.bench.suite.BudgetSplit.EvalSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-computed plans; seconds per image are binary fractions, so the sums are exact. */
class BudgetSplitTest {
    /** 100 s epochs (50 at most), 10 s per seed, 20 s per cell, 800 test images at 1/16 s: a 50 s evaluation. */
    static final CellCost A = new CellCost("mnist", "a", 100, 50, 1, 10, 20,
            List.of(new EvalSet("test split", 800, 1.0 / 16)), 400);
    /** Two seeds of 30 s epochs (100 at most), 5 s per seed; per seed 6400 training images at 1/128 s (50 s) and
     *  1280 test images at 1/64 s (20 s): 2 x (5 + 70) = 150 s of evaluation. */
    static final CellCost B = new CellCost("mnist", "b", 30, 100, 2, 5, 0,
            List.of(new EvalSet("training split", 6400, 1.0 / 128), new EvalSet("test split", 1280, 1.0 / 64)), 1000);
    /** One epoch takes 1000 s. */
    static final CellCost HUGE = new CellCost("cifar-10", "huge", 1000, 10, 1, 0, 0,
            List.of(new EvalSet("test split", 100, 1.0 / 8)), 100);

    @Test
    void eachCellTrainsWhatItsShareHoldsAfterItsEvaluation() {
        // 90% of 2000 s = 1800 s, 900 s each. A: (900 - 80) / 100 -> 8 epochs; B: (900 - 150) / (2 x 30) -> 12.
        List<CellPlan> plan = BudgetSplit.plan(2000, List.of(A, B));
        assertThat(plan.get(0).epochs()).isEqualTo(8);
        assertThat(plan.get(0).evalLimit()).isNull();
        assertThat(plan.get(0).trainSeconds()).isEqualTo(800);
        assertThat(plan.get(0).evalSeconds()).isEqualTo(80);
        assertThat(plan.get(1).epochs()).isEqualTo(12);
        assertThat(plan.get(1).trainSeconds()).isEqualTo(720);
        assertThat(plan.get(1).evalSeconds()).isEqualTo(150);
        assertThat(plan).noneMatch(CellPlan::skipped);
        assertThat(plan.stream().mapToDouble(CellPlan::seconds).sum()).isLessThanOrEqualTo(0.9 * 2000);
    }

    @Test
    void anOverrunShrinksTheCellsAfterIt() {
        // A was planned at 880 s. Had it kept to that, B would get 90% of 1120 s = 1008 s: (1008 - 150) / 60 -> 14.
        assertThat(BudgetSplit.plan(2000 - 880, List.of(B)).get(0).epochs()).isEqualTo(14);
        // A took 1300 s: B re-planned into 90% of 700 s = 630 s: (630 - 150) / 60 -> 8 epochs.
        CellPlan b = BudgetSplit.plan(2000 - 1300, List.of(B)).get(0);
        assertThat(b.epochs()).isEqualTo(8);
        assertThat(b.seconds()).isEqualTo(480 + 150);
    }

    @Test
    void aCellThatCannotFitOneEpochAndItsSmallestEvaluationIsSkippedWithTheReason() {
        // 90% of 100 s = 90 s; A needs 100 + 10 + 20 + 400/16 = 155 s at least.
        CellPlan a = BudgetSplit.plan(100, List.of(A)).get(0);
        assertThat(a.skipped()).isTrue();
        assertThat(a.epochs()).isZero();
        assertThat(a.seconds()).isZero();
        assertThat(a.skipReason()).startsWith("budget: one epoch and the smallest evaluation (first 400 images of each "
                + "evaluated set) need 155 s, more than this cell's share of the time left (90 s: 90% of 100 s over 1 "
                + "cell(s))");
        // No time left at all: every cell is skipped.
        assertThat(BudgetSplit.plan(-5, List.of(A, B))).allMatch(CellPlan::skipped);
    }

    @Test
    void theCellThatNeedsMostIsSkippedFirstAndTheOthersShareItsTime() {
        // 90% of 300 s = 270 s, 135 s each: neither A (155 s at least) nor HUGE fits. Skipping HUGE, which needs
        // more, leaves A 270 s: (270 - 80) / 100 -> 1 epoch with a full evaluation.
        List<CellPlan> plan = BudgetSplit.plan(300, List.of(HUGE, A));
        assertThat(plan.get(0).skipped()).isTrue();
        assertThat(plan.get(1).skipped()).isFalse();
        assertThat(plan.get(1).epochs()).isEqualTo(1);
        assertThat(plan.get(1).evalLimit()).isNull();
        // 400 s: 360 s for A alone, (360 - 80) / 100 -> 2 epochs.
        assertThat(BudgetSplit.plan(400, List.of(HUGE, A)).get(1).epochs()).isEqualTo(2);
    }

    @Test
    void whenTheFullEvaluationDoesNotFitItIsCutToTheFirstImagesOfEachSet() {
        // 20 s epochs, 10 s per cell; 5120 training images at 1/128 s (40 s) and 1024 test images at 1/32 s (32 s):
        // 1 epoch + full evaluation = 102 s, over the 90.9 s of 101 s. With a limit L above 1024 the test split stays
        // whole: 20 + 10 + 32 + L/128 <= 90.9 -> L <= 3699.2, so L = 3699 (the training split's purity is cut first).
        CellCost cut = new CellCost("mnist", "cut", 20, 10, 1, 0, 10,
                List.of(new EvalSet("training split", 5120, 1.0 / 128), new EvalSet("test split", 1024, 1.0 / 32)), 256);
        CellPlan plan = BudgetSplit.plan(101, List.of(cut)).get(0);
        assertThat(plan.epochs()).isEqualTo(1);
        assertThat(plan.evalLimit()).isEqualTo(3699);
        assertThat(plan.trainSeconds()).isEqualTo(20);
        assertThat(plan.evalSeconds()).isEqualTo(10 + 32 + 3699.0 / 128);
        // 40 s: 36 s; below 1024 the test split is cut too: 30 + L/128 + L/32 <= 36 -> L <= 153.6, under the smallest
        // evaluation (256 images, 40 s in all): skipped.
        assertThat(BudgetSplit.plan(40, List.of(cut)).get(0).skipped()).isTrue();
        // 50 s: 45 s -> 30 + 5L/128 <= 45 -> L = 384.
        assertThat(BudgetSplit.plan(50, List.of(cut)).get(0).evalLimit()).isEqualTo(384);
    }

    @Test
    void aCellThatNeedsLessThanItsShareLeavesTheRestToTheOthers() {
        // SMALL needs at most 5 epochs x 1 s + 100/16 s = 11.25 s; A gets the rest of 900 s: (888.75 - 80) / 100 -> 8.
        CellCost small = new CellCost("usps", "small", 1, 5, 1, 0, 0, List.of(new EvalSet("test split", 100, 1.0 / 16)),
                100);
        List<CellPlan> plan = BudgetSplit.plan(1000, List.of(small, A));
        assertThat(plan.get(0).epochs()).isEqualTo(5);
        assertThat(plan.get(0).seconds()).isEqualTo(11.25);
        assertThat(plan.get(1).epochs()).isEqualTo(8);
    }

    @Test
    void costsAreValidated() {
        assertThatThrownBy(() -> new CellCost("d", "m", 0, 1, 1, 0, 0, List.of(new EvalSet("t", 1, 0)), 1))
                .hasMessageContaining("epochSeconds must be a positive number");
        assertThatThrownBy(() -> new CellCost("d", "m", 1, 1, 1, 0, 0, List.of(), 1))
                .hasMessageContaining("evaluated set");
        assertThatThrownBy(() -> new EvalSet("t", 0, 1)).hasMessageContaining("images must be > 0");
    }
}
