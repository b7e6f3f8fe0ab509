package org.layerprune.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerprune.contracts.artifact.ArtifactRef;
import org.layerprune.contracts.artifact.OutsideArtifactRootException;
import org.layerprune.contracts.events.PipelineStage;
import org.layerprune.contracts.events.VariantId;

class ArtifactRootTest {

    @TempDir
    Path tmp;

    @Test
    void createsAMissingRootAndResolvesRefsUnderIt() throws IOException {
        ArtifactRoot root = new ArtifactRoot(tmp.resolve("artifacts"));
        Files.createDirectories(root.dir().resolve("models/m"));

        assertTrue(Files.isDirectory(root.dir()));
        assertEquals(root.dir().resolve("models/m"), root.existing(ArtifactRef.of("models/m"), "model.ref"));
        assertEquals(ArtifactRef.of("models/m"), root.ref(root.dir().resolve("models/m")));
    }

    @Test
    void refusesASymbolicLinkThatLeadsOutOfTheRoot() throws IOException {
        ArtifactRoot root = new ArtifactRoot(tmp.resolve("artifacts"));
        Path outside = Files.createDirectories(tmp.resolve("elsewhere/model"));
        Files.createSymbolicLink(root.dir().resolve("models"), outside.getParent());

        assertThrows(OutsideArtifactRootException.class, () -> root.resolve(ArtifactRef.of("models/model")));
    }

    @Test
    void aMissingRefIsNotFoundAndSaysWhichField() {
        ArtifactRoot root = new ArtifactRoot(tmp);

        ArtifactNotFoundException e = assertThrows(ArtifactNotFoundException.class,
                () -> root.existing(ArtifactRef.of("models/none"), "model.ref"));
        assertEquals("model.ref \"models/none\" names nothing under the artifact root", e.getMessage());
    }

    @Test
    void outputsAreNamedByExperimentAndVariant() {
        ArtifactRoot root = new ArtifactRoot(tmp);
        VariantId variant = VariantId.pruned("demo", 2);

        assertEquals(ArtifactRef.of("experiments/demo/probe"), root.ref(root.probeDir("demo")));
        assertEquals(ArtifactRef.of("experiments/demo/variants/demo-n2-pruned/checkpoint"),
                root.ref(root.checkpointDir(variant)));
        assertEquals(ArtifactRef.of("experiments/demo/variants/demo-n2-pruned/eval"),
                root.ref(root.stageDir(variant, PipelineStage.EVAL)));
        assertEquals(ArtifactRef.of("experiments/demo/variants/demo-n2-healed/heal"),
                root.ref(root.healDir(variant.healed())));
        assertEquals(ArtifactRef.of("experiments/demo/variants/demo-n2-healed/heal/record"),
                root.ref(root.healRecordDir(variant.healed())));
    }

    @Test
    void relativizeTakesTheHostPathOutOfMessages() {
        ArtifactRoot root = new ArtifactRoot(tmp);

        assertEquals("models/m/config.json: missing", root.relativize(root.dir() + "/models/m/config.json: missing"));
    }
}
