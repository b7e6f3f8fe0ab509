package org.layerprune.allinone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.layerprune.allinone.SharedAllInOne.RunningAllInOne;
import org.layerprune.testkit.PackagedApp;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's headless Chromium through chromedriver, no download): the packaged
 * all-in-one that the ITs share ({@link SharedAllInOne}) runs the default stories260K experiment, then the experiment
 * page must show the heat map with L-1 rows whose traced minima are the API's l*(n), the raw distance on hover, the
 * pruning curves and the artifact links (the mergekit recipe checked against l*); then an experiment submitted through
 * the form must progress on the page, by its server-sent events, until done. Screenshots go to target/screenshots/. Skipped without the shared fixtures or
 * without /usr/bin/chromium and /usr/bin/chromedriver (.ci/run installs them).
 */
@ExtendWith(SharedAllInOne.class)
class DashboardBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Bounds on a run that hangs, not performance targets: the default run takes under a minute here. */
    private static final Duration RUN_LIMIT = Duration.ofMinutes(15);
    private static final Duration PAGE_LIMIT = Duration.ofMinutes(5);
    private static final Pattern SERVING = Pattern.compile(Pattern.quote("serving the API"));
    private static final Pattern EXPERIMENT = Pattern.compile("^experiment (\\S+): ", Pattern.MULTILINE);
    private static final Pattern LAYER_RANGE = Pattern.compile("layer_range: \\[(\\d+), (\\d+)]");

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private Path target;
    private PackagedApp app;
    private WebDriver browser;
    private URI base;

    /** Before the shared app is asked for: without a browser, it need not run for this class. */
    @BeforeAll
    static void needsTheBrowser() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "no " + CHROMIUM + " or "
                + CHROMEDRIVER + " (apt-get install -y chromium chromium-driver)");
    }

    @BeforeEach
    void start(RunningAllInOne shared) throws IOException {
        target = Path.of("target").toAbsolutePath();
        String run = UUID.randomUUID().toString().substring(0, 8);
        app = shared.app();
        base = URI.create(shared.url() + "/");

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--window-size=1400,1700",
                "--user-data-dir=" + Files.createTempDirectory(target, "chromium-profile-"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .withLogFile(target.resolve("chromedriver-" + run + ".log").toFile())
                .build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void showsTheFinishedDefaultExperimentAndFollowsOneSubmittedThroughTheForm() throws Exception {
        app.awaitLog(SERVING, RUN_LIMIT);
        String output = app.log();
        Matcher matcher = EXPERIMENT.matcher(output);
        assertTrue(matcher.find(), output);
        String id = matcher.group(1);
        JsonNode view = get("experiments/" + id);
        assertEquals("done", view.path("state").asText(), view.toString());

        checkExperimentPage(id, view.path("probe"));
        checkSubmittingThroughTheForm(view.path("request"));
    }

    /** The heat map against the API's probe, the hover, the curves and the artifact links of a finished experiment. */
    private void checkExperimentPage(String id, JsonNode probe) throws Exception {
        int layers = probe.path("layers").asInt();
        List<Integer> lStar = new ArrayList<>();
        probe.path("lStar").forEach(l -> lStar.add(l.asInt()));
        browser.get(base.resolve("experiment.html?id=" + id).toString());
        WebDriverWait wait = new WebDriverWait(browser, PAGE_LIMIT);
        wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-state", "done"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#heatmap .heat-row")));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("svg.curve[data-task='loss']")));

        // the heat map: a row per block size n = 1..L-1, and each row's traced minimum at the API's l*(n)
        List<WebElement> rows = browser.findElements(By.cssSelector("#heatmap .heat-row"));
        assertEquals(layers - 1, rows.size(), "heat map rows for L = " + layers);
        List<Integer> traced = new ArrayList<>();
        for (WebElement row : rows) {
            int n = Integer.parseInt(row.getAttribute("data-n"));
            assertEquals(layers - n + 1, row.findElements(By.cssSelector("rect.cell")).size(), "cells of row n=" + n);
            WebElement marked = row.findElement(By.cssSelector("rect.cell.lstar"));
            assertEquals(row.getAttribute("data-lstar"), marked.getAttribute("data-l"), "marked cell of row n=" + n);
            traced.add(Integer.parseInt(row.getAttribute("data-lstar")));
        }
        assertEquals(lStar, traced, "traced minima against the API's l*(n)");
        String trace = browser.findElement(By.id("lstar-trace")).getAttribute("data-lstar");
        assertEquals(String.join(",", lStar.stream().map(String::valueOf).toList()), trace);

        // hovering the minimum of n = 1 shows its raw distance, as the API has it
        double raw = probe.path("distances").get(0).get(lStar.get(0)).asDouble();
        WebElement cell = browser.findElement(By.cssSelector("#heatmap .heat-row[data-n='1'] rect.cell.lstar"));
        new Actions(browser).moveToElement(cell).perform();
        WebElement tooltip = browser.findElement(By.id("heat-tooltip"));
        wait.until(ExpectedConditions.visibilityOf(tooltip));
        assertTrue(tooltip.getText().contains(String.format(Locale.ROOT, "distance %.6f", raw)), tooltip.getText());

        // the curves: loss pruned and healed at every n, the baseline marked
        WebElement loss = browser.findElement(By.cssSelector("svg.curve[data-task='loss']"));
        assertEquals(layers, loss.findElements(By.cssSelector("circle.point.pruned")).size());
        assertEquals(layers, loss.findElements(By.cssSelector("circle.point.healed")).size());
        assertEquals(1, loss.findElements(By.cssSelector("line.baseline")).size());

        // artifact links: the pruned checkpoint, adapter and merged model of every n, and a mergekit recipe
        // keeping layers [0, l*) and [l*+n, L), end-exclusive
        for (int n = 1; n < layers; n++) {
            WebElement variant = browser.findElement(By.cssSelector("#variants tr[data-n='" + n + "']"));
            for (String kind : List.of("checkpoint", "adapter", "merged")) {
                String href = variant.findElement(By.cssSelector("a[data-artifact='" + kind + "']"))
                        .getAttribute("href");
                assertEquals(200, fetch(URI.create(href)).statusCode(), kind + " of n=" + n + ": " + href);
            }
            String recipe = fetch(URI.create(variant.findElement(By.cssSelector("a[data-artifact='mergekit']"))
                    .getAttribute("href"))).body();
            List<List<Integer>> ranges = new ArrayList<>();
            Matcher range = LAYER_RANGE.matcher(recipe);
            while (range.find()) {
                ranges.add(List.of(Integer.parseInt(range.group(1)), Integer.parseInt(range.group(2))));
            }
            int start = lStar.get(n - 1);
            List<List<Integer>> expected = new ArrayList<>();
            if (start > 0) {
                expected.add(List.of(0, start));
            }
            if (start + n < layers) {
                expected.add(List.of(start + n, layers));
            }
            assertEquals(expected, ranges, "mergekit slices of n=" + n + ":\n" + recipe);
        }
        screenshot("experiment-stories260k.png");
    }

    /** The form: in-page validation, then a small experiment submitted and followed live to the end. */
    private void checkSubmittingThroughTheForm(JsonNode defaultRequest) throws Exception {
        browser.get(base.toString());
        WebDriverWait wait = new WebDriverWait(browser, PAGE_LIMIT);
        wait.until(ExpectedConditions.attributeToBe(By.id("submit-form"), "data-ready", "true"));
        // filled in from the template: this run's model, as its own experiment asked for it
        assertEquals(defaultRequest.path("model").path("ref").asText(),
                browser.findElement(By.name("model.ref")).getAttribute("value"));
        assertEquals(defaultRequest.path("heal").path("rank").asText(),
                browser.findElement(By.name("heal.rank")).getAttribute("value"));

        // the page refuses what it can tell is wrong, before anything is sent
        type("blockSizes", "0, x");
        browser.findElement(By.id("submit")).click();
        wait.until(ExpectedConditions.attributeToBe(By.id("submit-form"), "data-outcome", "invalid"));
        assertFalse(browser.findElements(By.cssSelector("#form-errors li[data-field='blockSizes']")).isEmpty());
        assertTrue(browser.getCurrentUrl().endsWith("/"), browser.getCurrentUrl());

        type("blockSizes", "1, 2");
        // long enough a heal that the page is subscribed well before it ends, and the heal's events arrive live
        type("heal.steps", "60");
        type("heal.warmupSteps", "2");
        type("heal.checkpointEvery", "20");
        screenshot("submit-form.png");
        browser.findElement(By.id("submit")).click();
        wait.until(ExpectedConditions.urlContains("experiment.html?id=exp-"));
        String id = URI.create(browser.getCurrentUrl()).getQuery().substring("id=".length());

        wait.until(ExpectedConditions.attributeToBe(By.id("live"), "data-live", "open"));
        // what the experiment had done when the page subscribed: whatever was still to come must arrive as events
        Set<String> toCome = eventsStillToCome(get("experiments/" + id));
        // the page moves only on events: reaching done means the stream carried it there
        // heal progress drawn from a heal.progress event (the page marks the latest it drew)
        wait.until(d -> d.findElement(By.tagName("body")).getAttribute("data-heal-shown") != null);
        screenshot("experiment-submitted-healing.png");
        wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-state", "done"));
        Set<String> seen = Set.of(browser.findElement(By.id("live")).getAttribute("data-seen").split(","));
        assertTrue(seen.containsAll(toCome), "seen " + seen + ", still to come at subscription " + toCome);
        String shown = browser.findElement(By.tagName("body")).getAttribute("data-heal-shown");
        assertTrue(shown.matches("[12]:\\d+/60"), "heal progress drawn: " + shown);
        JsonNode view = get("experiments/" + id);
        assertEquals("done", view.path("state").asText());
        assertEquals(view.path("probe").path("layers").asInt() - 1,
                browser.findElements(By.cssSelector("#heatmap .heat-row")).size(),
                "the heat map of the whole model (L-1 rows), whichever block sizes are pruned");
        assertEquals(List.of("0", "1", "2"), browser.findElements(By.cssSelector("#variants tbody tr")).stream()
                .map(r -> r.getAttribute("data-n")).toList());
        assertEquals(60, view.path("request").path("heal").path("steps").asInt());
        screenshot("experiment-submitted-done.png");
    }

    /**
     * The event types an experiment must still emit after {@code view}, read after the page subscribed: those the
     * page can only have learnt of from its stream. The probe and the cut are quick, and may be over by then.
     */
    private static Set<String> eventsStillToCome(JsonNode view) {
        Set<String> toCome = new TreeSet<>();
        if (view.path("probe").isMissingNode() || view.path("probe").isNull()) {
            toCome.add("similarity.probed");
        }
        List<JsonNode> variants = new ArrayList<>();
        view.path("variants").forEach(variants::add);
        int blockSizes = view.path("request").path("blockSizes").size();
        if (variants.stream().filter(v -> v.path("n").asInt() > 0 && v.hasNonNull("pruned")).count() < blockSizes) {
            toCome.add("variants.pruned");
        }
        if (variants.stream().filter(v -> v.hasNonNull("healed")).count() < blockSizes) {
            toCome.add("variants.healed");
        }
        if (!"done".equals(view.path("state").asText())) {
            toCome.add("variants.evaluated");
        }
        return toCome;
    }

    private void type(String name, String text) {
        WebElement input = browser.findElement(By.name(name));
        input.clear();
        input.sendKeys(text);
    }

    private void screenshot(String name) throws IOException {
        Path dir = Files.createDirectories(target.resolve("screenshots"));
        Files.write(dir.resolve(name), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> answer = fetch(base.resolve(path));
        assertEquals(200, answer.statusCode(), path + ": " + answer.body());
        return json.readTree(answer.body());
    }

    private HttpResponse<String> fetch(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
