package org.layerprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The lines {@code watch} prints, from views the control service served and heal.progress events. */
class WatchDisplayTest {

    @Test
    void showsFinishedWorkFromTheFirstView() {
        WatchDisplay display = new WatchDisplay();

        display.view(ControlDocuments.read("view-default-done"));

        assertEquals("done", display.state());
        assertEquals(List.of(
                "n=0  (baseline)              evaluated  loss 2.9536",
                "n=1  [####################]  evaluated  100/100 loss 4.9850  l*=3  loss 6.5566 -> 5.2724",
                "n=2  [####################]  evaluated  100/100 loss 5.1884  l*=2  loss 8.1433 -> 5.5324",
                "n=3  [####################]  evaluated  100/100 loss 5.5910  l*=2  loss 9.5745 -> 5.8980",
                "n=4  [####################]  evaluated  100/100 loss 6.5213  l*=0  loss 11.0067 -> 6.5900"),
                display.changed());
        assertEquals(List.of(), display.changed(), "nothing changed since");
    }

    @Test
    void movesTheBarOnHealEventsBeforeTheViewKnowsThem() {
        WatchDisplay display = new WatchDisplay();
        display.view(ControlDocuments.read("view-small-probing"));
        display.changed();

        display.heal(1, 3, 12, 7.25);

        assertEquals(List.of("n=1  [#####...............]  healing    3/12 loss 7.2500  loss - -> -"),
                display.changed(), "the view says pending; the event says the heal runs");

        display.heal(1, 2, 12, 7.5);

        assertEquals(List.of(), display.changed(), "an older report does not move the bar back");
    }

    @Test
    void takesTheViewsHealAndItsHealedCheckpoint() {
        WatchDisplay display = new WatchDisplay();

        display.view(ControlDocuments.read("view-small-healing"));

        assertEquals("healing", display.state());
        assertEquals("n=1  [####################]  healing    6/6 loss 6.7885  l*=3  loss 6.5566 -> -",
                display.lines().get(1));
    }
}
