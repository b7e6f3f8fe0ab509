package org.layerprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline commands' failures that need no control service: nothing listening at --url, a URL that is not one, a
 * heat map file of no known format. (A running service's 400, 404 and failed experiments: services/all-in-one's
 * CliAgainstAllInOneIT.)
 */
class PipelineCommandErrorsTest {

    private static final int USAGE = 2;

    @TempDir
    Path tmp;

    @Test
    void namesTheUrlNobodyAnswersAt() throws IOException {
        String url = "http://localhost:" + closedPort();

        for (String[] command : new String[][] {{"status", "exp-1"}, {"curve", "exp-1", "--json"},
                {"watch", "exp-1"}, {"heatmap", "exp-1", "--out", tmp.resolve("h.svg").toString()},
                {"submit", "--block-sizes", "1"}}) {
            String[] args = new String[command.length + 2];
            System.arraycopy(command, 0, args, 0, command.length);
            args[command.length] = "--url";
            args[command.length + 1] = url;

            Cli.Result result = Cli.run(args);

            assertEquals(Layerprune.FAILED, result.exitCode(), result::toString);
            assertEquals("", result.out(), "stdout stays empty on failure");
            assertTrue(result.err().startsWith("layerprune " + command[0] + ": cannot reach the control service at "
                    + url + " ("), result.err());
            assertTrue(result.err().contains("connection refused"), result.err());
        }
        assertTrue(Files.notExists(tmp.resolve("h.svg")), "no heat map file without a heat map");
    }

    @Test
    void refusesAUrlThatIsNotHttp() {
        Cli.Result result = Cli.run("status", "exp-1", "--url", "localhost:8080");

        assertEquals(Layerprune.FAILED, result.exitCode(), result::toString);
        assertTrue(result.err().contains("--url: expected http://host:port"), result.err());
    }

    @Test
    void asksForAFormatWhenTheFileNameGivesNone() {
        Cli.Result result = Cli.run("heatmap", "exp-1", "--out", tmp.resolve("heatmap.jpg").toString(),
                "--url", "http://localhost:1");

        assertEquals(USAGE, result.exitCode(), result::toString);
        assertTrue(result.err().contains("neither in .svg nor in .png"), result.err());
    }

    /** A port nothing listens on: bound by the system, then released. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
