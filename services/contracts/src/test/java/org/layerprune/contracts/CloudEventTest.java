package org.layerprune.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.layerprune.contracts.events.VariantPruned;
import org.layerprune.contracts.kafka.CloudEvent;

class CloudEventTest {

    private static final String SOURCE = "/layerprune/prune-service";

    @Test
    void attributesOfAnEventAreItsTypeKeyAndTimeWithAFreshId() {
        VariantPruned event = SampleEvents.pruned();

        CloudEvent ce = CloudEvent.of(event, SOURCE);

        assertEquals("org.layerprune.variants.pruned.v1", ce.type());
        assertEquals("stories260k-demo-n2-pruned", ce.subject());
        assertEquals(event.time(), ce.time());
        assertEquals(SOURCE, ce.source());
        UUID.fromString(ce.id());
        assertNotEquals(ce.id(), CloudEvent.of(event, SOURCE).id());
    }

    @Test
    void headersRoundTrip() {
        CloudEvent ce = CloudEvent.of(SampleEvents.healed(), SOURCE);
        RecordHeaders headers = new RecordHeaders();

        ce.writeTo(headers);

        assertEquals("1.0", text(headers, "ce_specversion"));
        assertEquals("org.layerprune.variants.healed.v1", text(headers, "ce_type"));
        assertEquals("stories260k-demo-n2-healed", text(headers, "ce_subject"));
        assertEquals("2026-05-01T09:00:12Z", text(headers, "ce_time"));
        assertEquals("application/json", text(headers, "content-type"));
        assertEquals(ce, CloudEvent.readFrom(headers));
    }

    @Test
    void writingReplacesEarlierAttributesInsteadOfAddingASecondSet() {
        RecordHeaders headers = new RecordHeaders();
        CloudEvent.of(SampleEvents.pruned(), SOURCE).writeTo(headers);
        CloudEvent second = CloudEvent.of(SampleEvents.evaluated(), "/layerprune/eval-service");

        second.writeTo(headers);

        assertEquals(1, StreamSupport.stream(headers.headers("ce_type").spliterator(), false).count());
        assertEquals(second, CloudEvent.readFrom(headers));
    }

    @Test
    void aMissingHeaderIsNamed() {
        RecordHeaders headers = new RecordHeaders();
        CloudEvent.of(SampleEvents.pruned(), SOURCE).writeTo(headers);
        headers.remove("ce_subject");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CloudEvent.readFrom(headers));

        assertTrue(e.getMessage().contains("ce_subject"), e.getMessage());
    }

    @Test
    void anotherSpecVersionIsRefused() {
        RecordHeaders headers = new RecordHeaders();
        CloudEvent.of(SampleEvents.pruned(), SOURCE).writeTo(headers);
        headers.remove("ce_specversion");
        headers.add("ce_specversion", "0.3".getBytes(StandardCharsets.UTF_8));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CloudEvent.readFrom(headers));

        assertTrue(e.getMessage().contains("ce_specversion"), e.getMessage());
    }

    @Test
    void aTimeThatIsNotAnInstantIsNamed() {
        RecordHeaders headers = new RecordHeaders();
        CloudEvent.of(SampleEvents.pruned(), SOURCE).writeTo(headers);
        headers.remove("ce_time");
        headers.add("ce_time", "yesterday".getBytes(StandardCharsets.UTF_8));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CloudEvent.readFrom(headers));

        assertTrue(e.getMessage().contains("ce_time"), e.getMessage());
    }

    private static String text(RecordHeaders headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
