package io.heimdall.plugin.webui;

import io.heimdall.core.Gateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The web UI in headless Chromium (Debian's {@code chromium} + {@code chromium-driver}) against an in-process gateway
 * with the admin API and an admin token: sign in, add a provider through the form, stream a playground prompt, see a
 * broken config's path-precise problem, roll back. Skipped only when chromium is not installed.
 */
class WebUiBrowserTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String TOKEN = "web-ui-admin-token-0123456789";
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static WebDriver driver;
    private static WebDriverWait wait;
    private static Path downloads;

    @TempDir
    Path dir;
    Path file;
    Gateway gateway;

    @BeforeAll
    static void openBrowser() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1000", "--no-first-run", "--disable-extensions");
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        downloads = Files.createTempDirectory("web-ui-downloads");
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
                "download.prompt_for_download", false));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        wait = new WebDriverWait(driver, Duration.ofSeconds(10), Duration.ofMillis(100));
    }

    @AfterAll
    static void closeBrowser() {
        if (driver != null) {
            driver.quit();
        }
        if (downloads != null) {
            try (var files = Files.list(downloads)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            } catch (java.io.IOException e) {
                // a temp folder left behind is harmless
            }
        }
    }

    @BeforeEach
    void start() throws Exception {
        file = Files.writeString(dir.resolve("heimdall.yaml"), """
                # the web UI test's config
                server: { host: 127.0.0.1, port: 0 }
                admin: { token: "${env:ADMIN_TOKEN}" }
                providers:
                  mock:
                    type: mock
                models:
                  default: { targets: [ { model: mock/echo } ] }
                plugins:
                  - { id: admin-api, config: { history-dir: "%s" } }
                  - id: web-ui
                """.formatted(dir.resolve("history")));
        gateway = Gateway.builder().config(file).port(0).watchConfig(false)
                .environment(Map.of("ADMIN_TOKEN", TOKEN)).start();
    }

    @AfterEach
    void stop() {
        List<String> errors = List.of();
        if (driver != null) {
            // No script error and no content-security-policy violation on any page the test visited (refused
            // requests, such as a wrong token's 401, are expected and logged by the browser as failed loads).
            errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .map(LogEntry::toString).filter(m -> m.contains("[SEVERE]"))
                    .filter(m -> !m.contains("Failed to load resource")).toList();
            ((JavascriptExecutor) driver).executeScript("sessionStorage.clear()");
        }
        gateway.close();
        assertEquals(List.of(), errors, "the browser console shows errors");
    }

    /** GET without credentials. */
    HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A JSON request; {@code /api/admin} paths carry the admin token. */
    HttpResponse<String> send(String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path)).timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.ofString(json)).header("content-type", "application/json");
        return HTTP.send((path.startsWith("/api/admin/") ? b.header("authorization", "Bearer " + TOKEN) : b).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    int chat(String model) throws Exception {
        return send("POST", "/v1/chat/completions", "{\"model\":\"" + model
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}").statusCode();
    }

    /** Opens a page signed in through the #token= fragment. */
    void open(String page) {
        driver.get(gateway.baseUrl() + "/ui/#token=" + TOKEN);
        until(ExpectedConditions.visibilityOfElementLocated(By.id("nav")));
        driver.get(gateway.baseUrl() + "/ui/#/" + page);
        until(ExpectedConditions.presenceOfElementLocated(By.xpath("//main//h1")));
    }

    /** Waits for a condition; on time-out, fails with what the page shows. */
    static <T> T until(ExpectedCondition<T> condition) {
        try {
            return wait.until(condition);
        } catch (TimeoutException e) {
            String shown = String.valueOf(((JavascriptExecutor) driver).executeScript(
                    "return document.getElementById('status').innerText + ' | ' + document.body.innerText"));
            throw new AssertionError(e.getMessage().lines().findFirst().orElse("") + "\nThe page shows: " + shown, e);
        }
    }

    WebElement button(String text) {
        return until(ExpectedConditions.elementToBeClickable(
                By.xpath("//button[normalize-space()='" + text + "']")));
    }

    WebElement named(String name) {
        return until(ExpectedConditions.visibilityOfElementLocated(By.name(name)));
    }

    @Test
    void theShellIsPublicAndTheRootRedirectsToIt() throws Exception {
        HttpResponse<String> root = get("/");
        assertEquals(302, root.statusCode());
        assertEquals("/ui/", root.headers().firstValue("location").orElseThrow());
        HttpResponse<String> shell = get("/ui/");
        assertEquals(200, shell.statusCode());
        assertTrue(shell.body().contains("<script type=\"module\" src=\"app.js\">"), shell.body());
        assertEquals(200, get("/ui/app.js").statusCode());
        assertEquals(404, get("/ui/nope.js").statusCode());
        assertEquals(404, get("/ui/WebUi.class").statusCode());
    }

    @Test
    void signsInWithTheTokenFormAndTheFragment() {
        driver.get(gateway.baseUrl() + "/ui/");
        named("token").sendKeys("not-the-admin-token-xx");
        button("Sign in").click();
        until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "not accepted"));
        WebElement input = named("token");
        input.clear();
        input.sendKeys(TOKEN);
        button("Sign in").click();
        until(ExpectedConditions.visibilityOfElementLocated(By.id("nav")));
        until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "Requests/s"));

        ((JavascriptExecutor) driver).executeScript("sessionStorage.clear()");
        driver.get(gateway.baseUrl() + "/ui/#token=" + TOKEN);
        until(ExpectedConditions.visibilityOfElementLocated(By.id("nav")));
        assertFalse(driver.getCurrentUrl().contains(TOKEN), "the token left the address bar: " + driver.getCurrentUrl());
        assertTrue(driver.getCurrentUrl().endsWith("#/dashboard"), driver.getCurrentUrl());
    }

    @Test
    void aProviderAddedThroughTheFormServesRequests() throws Exception {
        assertEquals(404, chat("other/echo"));
        open("providers");
        button("Add provider").click();
        named("provider-name").sendKeys("other");
        new Select(named("provider-type")).selectByValue("mock");
        button("Add key").click();
        named("key.name").sendKeys("main");
        named("key.value").sendKeys("sk-web-ui-canary");
        button("Save provider").click();
        WebElement card = until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("section.provider[data-name='other']")));
        assertEquals(200, chat("other/echo"));
        assertTrue(Files.readString(file).contains("sk-web-ui-canary"));
        assertFalse(driver.getPageSource().contains("sk-web-ui-canary"), "the key came back to the browser");

        card.findElement(By.xpath(".//button[normalize-space()='Test connection']")).click();
        until(ExpectedConditions.textToBePresentInElement(card.findElement(By.className("test-result")), "OK in"));
        card.findElement(By.xpath(".//button[normalize-space()='Models']")).click();
        until(ExpectedConditions.textToBePresentInElement(card.findElement(By.className("models")), "other/echo"));
        assertTrue(driver.findElement(By.id("status")).getText().contains("written to the config file as typed"),
                driver.findElement(By.id("status")).getText());
        assertTrue(Files.readString(file).contains("# the web UI test's config"), "the file keeps its comments");

        // The literal key is masked in the editor and the download: the Config page says so.
        driver.get(gateway.baseUrl() + "/ui/#/config");
        until(ExpectedConditions.textToBePresentInElementLocated(By.className("masked-note"), "1 secret value"));
    }

    @Test
    void aPlaygroundPromptStreams() {
        open("playground");
        named("model-2").sendKeys("mock/echo");
        named("prompt").sendKeys("hello from the playground");
        button("Send").click();
        until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("section.pane[data-done='true']"), 2));
        WebElement pane = driver.findElement(By.cssSelector("section.pane[data-done='true']"));
        assertTrue(pane.findElement(By.className("output")).getText().contains("hello from the playground"),
                pane.getText());
        String meta = pane.findElement(By.className("meta")).getText();
        assertTrue(meta.contains("TTFT") && meta.contains("served by mock") && meta.contains("cache"), meta);
    }

    @Test
    void aBrokenConfigShowsItsPathAndARollbackRestoresAVersion() throws Exception {
        String before = Files.readString(file);
        open("config");
        WebElement editor = named("config-text");
        ((JavascriptExecutor) driver).executeScript("arguments[0].value = arguments[0].value.replace("
                + "'    type: mock', '    type: mock\\n    colour: red');"
                + "arguments[0].dispatchEvent(new Event('input'))", editor);
        until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("pre.diff"), "+    colour: red"));
        button("Validate").click();
        until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("ul.problems"),
                "providers.mock.colour"));
        button("Revert edits").click();
        until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("ul.problems")));
        ((JavascriptExecutor) driver).executeScript("arguments[0].value += '\\nnot-a-section: 1\\n'", editor);
        button("Apply").click();
        until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("ul.problems"),
                "not-a-section"));
        assertEquals(before, Files.readString(file), "a refused change leaves the file as it was");

        assertEquals(200, send("PUT", "/api/admin/models/fast", "{\"targets\":[{\"model\":\"mock/echo\"}]}").statusCode());
        assertEquals(200, chat("fast"));
        driver.navigate().refresh();
        until(ExpectedConditions.elementToBeClickable(By.cssSelector("button.rollback[data-version='1']")))
                .click();
        until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Rolled back to version 1"));
        assertEquals(404, chat("fast"));
        assertTrue(Files.readString(file).contains("# the web UI test's config"), "version 1 is the text as written");
    }

    @Test
    void onLoopbackWithoutATokenTheUiAsksForNothing() throws Exception {
        Path plain = Files.writeString(dir.resolve("plain.yaml"), """
                server: { host: 127.0.0.1, port: 0 }
                providers: { mock: { type: mock } }
                plugins: [ { id: admin-api, config: { history-dir: "%s" } }, { id: web-ui } ]
                """.formatted(dir.resolve("plain-history")));
        try (Gateway open = Gateway.builder().config(plain).port(0).watchConfig(false).start()) {
            driver.get(open.baseUrl() + "/ui/#/routing");
            until(ExpectedConditions.visibilityOfElementLocated(By.id("nav")));
            until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "Routing"));
            assertTrue(driver.findElements(By.name("token")).isEmpty(), "no sign-in form on loopback");
        }
    }

    @Test
    void theDownloadedConfigIsTheFileOnDisk() throws Exception {
        open("config");
        Path target = downloads.resolve("heimdall.yaml");
        Files.deleteIfExists(target);
        button("Download").click();
        until(d -> Files.exists(target) && !Files.exists(downloads.resolve("heimdall.yaml.crdownload")));
        // The file holds no literal secret (the admin token is an ${env:} reference), so nothing is masked.
        assertEquals(Files.readString(file), Files.readString(target));
    }

    @Test
    void anAliasAddedOnTheRoutingPageServesAndShowsInTheRequestLog() throws Exception {
        open("routing");
        button("Add alias").click();
        named("alias").sendKeys("fast");
        named("target-model").sendKeys("mock/echo");
        button("Add target").click();
        List<WebElement> models = driver.findElements(By.name("target-model"));
        models.get(1).sendKeys("mock/fail-500");
        WebElement weight = driver.findElements(By.name("target-weight")).get(1);
        weight.clear();
        weight.sendKeys("3");
        named("fallbacks").sendKeys("mock/slow");
        button("Save alias").click();
        until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Alias fast saved"));
        String saved = Files.readString(file);
        assertTrue(saved.contains("model: mock/fail-500") && saved.contains("weight: 3")
                && saved.contains("- mock/slow"), saved);
        until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("table"), "mock/fail-500"));
        send("PUT", "/api/admin/models/fast", "{\"targets\":[{\"model\":\"mock/echo\"}]}");
        assertEquals(200, chat("fast"));

        driver.get(gateway.baseUrl() + "/ui/#/requests");
        until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "mock/echo"));
        new Select(named("filter-status")).selectByValue("4xx");
        button("Filter").click();
        until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "No requests match"));

        driver.get(gateway.baseUrl() + "/ui/#/plugins");
        until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "2. web-ui"));
        chat("mock/fail-500");
        driver.get(gateway.baseUrl() + "/ui/#/dashboard");
        until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "Providers and keys"));
        until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("table"), "available"));
        until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("table"), "500 provider at"));
    }

    @Test
    void aPluginIsDisabledAndEnabledWithItsCheckboxAndConfiguredWithItsForm() throws Exception {
        open("plugins");
        named("enabled-1").click();
        until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Plugin web-ui disabled"));
        assertTrue(Files.readString(file).contains("enabled: false"), Files.readString(file));
        assertEquals(404, get("/ui/").statusCode(), "a disabled web-ui serves nothing");
        until(ExpectedConditions.elementSelectionStateToBe(By.name("enabled-1"), false));
        named("enabled-1").click();
        until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Plugin web-ui enabled"));
        assertEquals(200, get("/ui/").statusCode());

        // Its config form, drawn from the plugin's spec.
        until(ExpectedConditions.elementToBeClickable(By.cssSelector("button[aria-label='Configure admin-api']"))).click();
        named("plugin.recent-requests").sendKeys("50");
        button("Save plugin").click();
        until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Plugin admin-api saved"));
        assertTrue(Files.readString(file).contains("recent-requests: 50"), Files.readString(file));
    }

    /**
     * Text with less than WCAG AA contrast (4.5:1) against the background it is drawn on: each element with text of its
     * own, its colour against the first opaque background among it and its ancestors.
     */
    private static final String LOW_CONTRAST = """
            const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
            const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92
              : Math.pow((v + 0.055) / 1.055, 2.4); }).reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
            const bg = e => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
              if (c.length === 3 || c[3] > 0.5) return c; } return [255, 255, 255]; };
            return [...document.querySelectorAll('body *')].filter(e => e.offsetParent !== null
                && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())).map(e => {
              const f = lum(rgb(getComputedStyle(e).color)), b = lum(bg(e));
              const ratio = (Math.max(f, b) + 0.05) / (Math.min(f, b) + 0.05);
              return ratio < 4.5 ? e.tagName + ' ' + ratio.toFixed(2) + ': ' + e.textContent.trim().slice(0, 40) : '';
            }).filter(Boolean);""";

    /**
     * Every control on every page (forms opened) has a label, every button a name, and all text AA contrast: keyboard,
     * screen readers, low vision.
     */
    @Test
    void everyControlOnEveryPageIsLabelledAndReadable() {
        String unlabelled = """
                return [...document.querySelectorAll('input, select, textarea, button')].filter(e => {
                  if (e.type === 'hidden') return false;
                  if (e.tagName === 'BUTTON') return !(e.textContent.trim() || e.getAttribute('aria-label'));
                  return !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                    && !e.getAttribute('aria-labelledby');
                }).map(e => e.outerHTML.slice(0, 160));""";
        String[][] pages = {{"dashboard", ""}, {"providers", "Add provider"}, {"routing", "Add alias"},
                {"plugins", "Add plugin"}, {"playground", ""}, {"requests", ""}, {"config", ""}};
        for (String[] page : pages) {
            open(page[0]);
            until(ExpectedConditions.invisibilityOfElementLocated(By.xpath("//main/p[normalize-space()='Loading…']")));
            if (!page[1].isEmpty()) {
                button(page[1]).click();
                until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("main form")));
            }
            if (page[0].equals("providers")) {
                new Select(named("provider-type")).selectByValue("mock");
                button("Add key").click();
            }
            assertEquals(List.of(), ((JavascriptExecutor) driver).executeScript(unlabelled), "on " + page[0]);
            assertEquals(List.of(), ((JavascriptExecutor) driver).executeScript(LOW_CONTRAST), "on " + page[0]);
        }
    }
}
