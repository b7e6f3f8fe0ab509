package org.layerprune.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.layerprune.contracts.events.BlockSizes;
import org.layerprune.contracts.events.InvalidEventException;
import org.layerprune.contracts.kafka.EventJson;

class BlockSizesTest {

    @Test
    void allMeansOneToLMinusOne() {
        assertEquals(List.of(1, 2, 3, 4), BlockSizes.all().resolve(5));
    }

    @Test
    void listedSizesAreSortedAndMustFitTheModel() {
        assertEquals(List.of(1, 3), BlockSizes.of(3, 1).resolve(5));
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> BlockSizes.of(2, 5).resolve(5));
        assertEquals("blockSizes[1]", e.field());
    }

    @Test
    void aSizeNamedTwiceIsRefused() {
        assertThrows(InvalidEventException.class, () -> BlockSizes.of(2, 2));
    }

    @Test
    void writesAllAsTheWordAndAListAsAnArray() throws JsonProcessingException {
        assertEquals("\"all\"", EventJson.mapper().writeValueAsString(BlockSizes.all()));
        assertEquals("[1,2]", EventJson.mapper().writeValueAsString(BlockSizes.of(2, 1)));
        assertEquals(BlockSizes.all(), EventJson.mapper().readValue("\"all\"", BlockSizes.class));
        assertEquals(BlockSizes.of(1, 2), EventJson.mapper().readValue("[2, 1]", BlockSizes.class));
    }

    @Test
    void anEmptyListIsNotAll() {
        assertTrue(assertThrows(Exception.class, () -> EventJson.mapper().readValue("[]", BlockSizes.class))
                .getMessage().contains("non-empty"));
    }
}
