package org.layerprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The tables of {@code status} and {@code curve}, from documents the control service served. */
class ReportsTest {

    @Test
    void printsTheDefaultRunsCurveAsTheAllInOnePrintsIt() {
        // the numbers of the all-in-one's own table for the same run (README): the API and both tables agree
        assertEquals("""
                pruning curve of run-stories260k-4207a2aa (L = 5; n = 0 is the unpruned model)
                n  dropped  l*(n)  pruned loss  healed loss
                0     0.0%      -       2.9536       2.9536
                1    20.0%      3       6.5566       5.2724
                2    40.0%      2       8.1433       5.5324
                3    60.0%      2       9.5745       5.8980
                4    80.0%      0      11.0067       6.5900
                """, CurveReport.render(ControlDocuments.read("curve-default-done")));
    }

    @Test
    void showsEveryVariantsStageHealAndScoresOfADoneExperiment() {
        assertEquals("""
                experiment run-stories260k-4207a2aa: done (updated 2026-11-29T06:17:49.232482759Z)
                model models/stories260K, L = 5, block sizes 1,2,3,4, similarity on angular-last-token
                n  stage      l*(n)  heal                 pruned loss  healed loss
                0  evaluated      -  -                         2.9536            -
                1  evaluated      3  100/100 loss 4.9850       6.5566       5.2724
                2  evaluated      2  100/100 loss 5.1884       8.1433       5.5324
                3  evaluated      2  100/100 loss 5.5910       9.5745       5.8980
                4  evaluated      0  100/100 loss 6.5213      11.0067       6.5900
                """, StatusReport.render(ControlDocuments.read("view-default-done")));
    }

    @Test
    void showsWhatIsNotDoneYetAsDashes() {
        String status = StatusReport.render(ControlDocuments.read("view-small-probing"));

        assertTrue(status.startsWith("experiment cli-small-1: probing ("), status);
        assertTrue(status.contains("block sizes 1, similarity"), "the request's list until the probe: " + status);
        assertTrue(status.contains("\n0  pending      -  -               -            -\n"), status);
        assertTrue(status.contains("\n1  pending      -  -               -            -\n"), status);
    }

    @Test
    void listsTheFailureThatStoppedAnExperiment() {
        String status = StatusReport.render(ControlDocuments.read("view-missing-model-failed"));

        assertTrue(status.startsWith("experiment cli-missing-model: failed"), status);
        assertTrue(status.endsWith("""
                failures:
                  probe: NOT_FOUND model.ref "models/nope" names nothing under the artifact root
                """), status);
    }
}
