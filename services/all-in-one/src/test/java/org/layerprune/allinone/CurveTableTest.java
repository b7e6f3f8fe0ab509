package org.layerprune.allinone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class CurveTableTest {

    @Test
    void printsOneRowPerBlockSizeWithTheFractionDroppedAndBothScores() {
        String table = CurveTable.render(List.of(
                new CurveRow(0, 0.0, OptionalInt.empty(), 2.95361, 2.95361),
                new CurveRow(1, 0.2, OptionalInt.of(3), 6.55664, 6.27671),
                new CurveRow(4, 0.8, OptionalInt.of(0), 11.00673, 10.22009)), "loss");

        assertEquals("""
                  n  dropped  l*(n)  pruned loss  healed loss
                  0     0.0%      -       2.9536       2.9536
                  1    20.0%      3       6.5566       6.2767
                  4    80.0%      0      11.0067      10.2201
                """, table);
    }

    @Test
    void showsADashForAScoreNotYetIn() {
        String table = CurveTable.render(List.of(new CurveRow(2, 0.4, OptionalInt.of(2), 8.1433, Double.NaN)),
                "accuracy");

        assertEquals("""
                  n  dropped  l*(n)  pruned accuracy  healed accuracy
                  2    40.0%      2           8.1433                -
                """, table);
    }
}
