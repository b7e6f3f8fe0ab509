package org.layerprune.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerprune.core.testing.Fixtures;

class LlamaConfigTest {

    @TempDir
    Path tmp;

    private static final String MINIMAL = """
            "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4,
            "vocab_size": 100""";

    @Test
    void readsTheStories260KConfig() {
        LlamaConfig c = LlamaConfig.read(Fixtures.stories260K().resolve("config.json"));
        assertEquals(Architecture.LLAMA, c.architecture());
        assertEquals(64, c.hiddenSize());
        assertEquals(172, c.intermediateSize());
        assertEquals(5, c.numHiddenLayers());
        assertEquals(8, c.numAttentionHeads());
        assertEquals(4, c.numKeyValueHeads());
        assertEquals(2, c.numKeyValueGroups());
        assertEquals(8, c.headDim());
        assertEquals(1e-5, c.rmsNormEps());
        assertEquals(10000.0, c.ropeTheta());
        assertInstanceOf(RopeScaling.None.class, c.ropeScaling());
        assertTrue(c.tieWordEmbeddings());
        assertEquals(Optional.of(1), c.bosTokenId());
        assertEquals(List.of(2), c.eosTokenIds());
        assertEquals(Collections.nCopies(5, 0), c.slidingWindows());
    }

    @Test
    void absentKeysTakeTransformersDefaults() throws Exception {
        LlamaConfig c = read("{\"model_type\": \"llama\", " + MINIMAL + "}");
        assertEquals(4, c.numKeyValueHeads(), "kv heads default to heads");
        assertEquals(16, c.headDim(), "head_dim defaults to hidden / heads");
        assertEquals(1e-6, c.rmsNormEps());
        assertEquals(10000.0, c.ropeTheta());
        assertFalse(c.tieWordEmbeddings());
        assertFalse(c.qkvBias());
        assertEquals(2048, c.maxPositionEmbeddings());
        assertEquals("float32", c.torchDtype());
    }

    @Test
    void qwen2AlwaysHasQkvBiasesAndNoOutputBias() throws Exception {
        LlamaConfig c = read("{\"model_type\": \"qwen2\", " + MINIMAL + "}");
        assertTrue(c.qkvBias());
        assertFalse(c.attentionBias());
        assertEquals(List.of(0, 0), c.slidingWindows(), "no window without use_sliding_window");
    }

    @Test
    void llamaAttentionBiasCoversAllFourProjections() throws Exception {
        LlamaConfig c = read("{\"model_type\": \"llama\", \"attention_bias\": true, " + MINIMAL + "}");
        assertTrue(c.qkvBias());
        assertTrue(c.attentionBias());
    }

    @Test
    void mistralWindowsEveryLayerWithTheClassDefaultWhenTheKeyIsAbsent() throws Exception {
        assertEquals(List.of(4096, 4096), read("{\"model_type\": \"mistral\", " + MINIMAL + "}").slidingWindows());
        assertEquals(List.of(0, 0),
                read("{\"model_type\": \"mistral\", \"sliding_window\": null, " + MINIMAL + "}").slidingWindows());
    }

    @Test
    void qwen2SlidesOnlyFromMaxWindowLayersOn() throws Exception {
        LlamaConfig c = read("{\"model_type\": \"qwen2\", \"use_sliding_window\": true, \"sliding_window\": 32,"
                + " \"max_window_layers\": 1, " + MINIMAL + "}");
        assertEquals(List.of(0, 32), c.slidingWindows());
    }

    @Test
    void eosTokenIdMayBeAList() throws Exception {
        LlamaConfig c = read("{\"model_type\": \"llama\", \"eos_token_id\": [128001, 128009], " + MINIMAL + "}");
        assertEquals(List.of(128001, 128009), c.eosTokenIds());
    }

    @Test
    void readsLlama3AndLegacyLinearRopeScaling() throws Exception {
        LlamaConfig llama3 = read("{\"model_type\": \"llama\", \"rope_scaling\": {\"rope_type\": \"llama3\","
                + " \"factor\": 8.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0,"
                + " \"original_max_position_embeddings\": 8192}, " + MINIMAL + "}");
        assertEquals(new RopeScaling.Llama3(8.0, 1.0, 4.0, 8192), llama3.ropeScaling());
        LlamaConfig linear = read("{\"model_type\": \"llama\", \"rope_scaling\": {\"type\": \"linear\","
                + " \"factor\": 2.0}, " + MINIMAL + "}");
        assertEquals(new RopeScaling.Linear(2.0), linear.ropeScaling());
    }

    @Test
    void readsTransformers5RopeParameters() throws Exception {
        LlamaConfig c = read("{\"model_type\": \"llama\", \"rope_parameters\": {\"rope_type\": \"default\","
                + " \"rope_theta\": 500000.0}, " + MINIMAL + "}");
        assertEquals(500000.0, c.ropeTheta());
        assertInstanceOf(RopeScaling.None.class, c.ropeScaling());
    }

    @Test
    void llama3ScalingKeepsShortWavelengthsAndDividesLongOnes() {
        RopeScaling.Llama3 s = new RopeScaling.Llama3(8.0, 1.0, 4.0, 8192);
        double[] scaled = s.apply(new double[] {1.0, 2 * Math.PI / 100_000});
        assertEquals(1.0, scaled[0], "wavelength 2 pi < 8192 / 4: unchanged");
        assertEquals(2 * Math.PI / 100_000 / 8.0, scaled[1], 1e-18, "wavelength 100000 > 8192: divided by factor");
    }

    @Test
    void rejectsAConfigMissingARequiredKeyNamingFileAndKey() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> read("""
                {"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
                 "vocab_size": 100}"""));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
        assertTrue(e.getMessage().contains("intermediate_size"), e.getMessage());
    }

    @Test
    void rejectsAnUnknownArchitectureNamingIt() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> read("{\"model_type\": \"gpt2\", " + MINIMAL + "}"));
        assertTrue(e.getMessage().contains("\"gpt2\""), e.getMessage());
        assertTrue(e.getMessage().contains("llama, mistral, qwen2"), e.getMessage());
    }

    @Test
    void rejectsAnUnknownRopeTypeNamingIt() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> read("{\"model_type\": \"llama\","
                + " \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0}, " + MINIMAL + "}"));
        assertTrue(e.getMessage().contains("\"yarn\""), e.getMessage());
    }

    @Test
    void rejectsMalformedJsonNamingTheFile() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> read("{\"model_type\": \"llama\", "));
        assertTrue(e.getMessage().startsWith(tmp.resolve("config.json").toString()), e.getMessage());
    }

    @Test
    void rejectsHeadsThatDoNotDivideIntoKeyValueGroups() throws Exception {
        ConfigException e = assertThrows(ConfigException.class,
                () -> read("{\"model_type\": \"llama\", \"num_key_value_heads\": 3, " + MINIMAL + "}"));
        assertTrue(e.getMessage().contains("num_key_value_heads"), e.getMessage());
    }

    @Test
    void rejectsAStringWhereANumberBelongs() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> read("""
                {"model_type": "llama", "hidden_size": "64", "intermediate_size": 128, "num_hidden_layers": 2,
                 "num_attention_heads": 4, "vocab_size": 100}"""));
        assertTrue(e.getMessage().contains("hidden_size"), e.getMessage());
    }

    private LlamaConfig read(String json) throws Exception {
        Path file = tmp.resolve("config.json");
        Files.writeString(file, json);
        return LlamaConfig.read(file);
    }
}
