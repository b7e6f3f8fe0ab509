package org.layerprune.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.layerprune.contracts.events.VariantId;
import org.layerprune.contracts.events.VariantStage;

class VariantIdTest {

    @Test
    void isExperimentBlockSizeAndStage() {
        assertEquals("demo-n0-baseline", VariantId.baseline("demo").toString());
        assertEquals("demo-n2-pruned", VariantId.pruned("demo", 2).toString());
        assertEquals("demo-n2-healed", VariantId.pruned("demo", 2).healed().toString());
    }

    @Test
    void parsesBackFromTheLastBlockSize() {
        VariantId id = VariantId.parse("run-n3-pruned-n12-healed");

        assertEquals(new VariantId("run-n3-pruned", 12, VariantStage.HEALED), id);
        assertEquals("run-n3-pruned-n12-healed", id.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo-n2", "demo-n2-baseline", "demo-n0-pruned", "demo-n02-pruned", "Demo-n2-pruned",
            "demo-n2-merged", "-n2-pruned"})
    void refusesWhatIsNotAVariantId(String text) {
        assertThrows(IllegalArgumentException.class, () -> VariantId.parse(text));
    }

    @Test
    void onlyPrunedVariantsHeal() {
        assertThrows(IllegalStateException.class, () -> VariantId.baseline("demo").healed());
    }
}
