package dev.orchestrator.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in headless Chromium (Debian's chromium and chromium-driver, which .ci/run installs),
 * against {@code orchestrator demo} started from the packaged jar: a decision arrives in the live
 * feed, a click opens its explanation, new lines wait while the pointer is over the feed, the chart
 * and tables fill, the money panel shows escrow held, releases, a refund and a slash within two
 * minutes, the demo's example stack reaches CREATE_COMPLETE with its resources in dependency order,
 * and a screenshot is saved to {@code target/dashboard.png}.
 */
class DashboardIT {
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    @TempDir
    Path dir;

    private static boolean positive(final String amount) {
        try {
            return new java.math.BigDecimal(amount).signum() > 0;
        } catch (final NumberFormatException e) {
            return false;
        }
    }

    @Test
    void aDecisionArrivesLiveAndOpensItsExplanation() throws Exception {
        assertThat(new File(CHROMIUM)).as("Debian's chromium; .ci/run installs it").exists();
        assertThat(new File(CHROMEDRIVER)).as("Debian's chromium-driver; .ci/run installs it").exists();
        final DemoProcess demo = DemoProcess.start(dir);
        ChromeDriver browser = null;
        try {
            assertThat(demo.awaitReady(Duration.ofSeconds(90))).as("demo ready; output:%n%s", demo.output()).isTrue();
            final ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM)
                    .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100");
            browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                    .usingAnyFreePort().build(), options);
            browser.get(demo.baseUrl() + "/");
            final WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(90));

            // a decision arrives over /v1/events
            final WebElement placed = wait.until(ExpectedConditions.presenceOfElementLocated(
                    By.xpath("//ol[@id='feed']/li[span[contains(@class,'PLACED')]]")));
            assertThat(browser.findElement(By.id("feed-state")).getText()).isEqualTo("feed: live");
            final String demandId = placed.getAttribute("data-demand");
            assertThat(demandId).isNotBlank();

            // a click opens its explanation: the demand, its status and the scored candidates. The click goes to
            // the line itself: lines arriving meanwhile are prepended and can move another line under a pointer
            // (a red CI run opened the demand that had just arrived above it)
            browser.executeScript("arguments[0].click()", placed);
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("explained-demand"), demandId));
            final List<WebElement> candidates = wait.until(ExpectedConditions.numberOfElementsToBeMoreThan(
                    By.cssSelector("#candidates tbody tr"), 0));
            assertThat(candidates).isNotEmpty();
            assertThat(browser.findElement(By.cssSelector("#candidates thead")).getText()).contains("price");

            // with the pointer over the feed, new decisions wait above it and the lines under it stay put
            new Actions(browser).moveToElement(browser.findElement(By.id("feed"))).perform();
            final String topWhileHovering = browser.findElement(By.cssSelector("#feed li")).getAttribute("data-demand");
            wait.until(ExpectedConditions.textMatches(By.id("feed-held"),
                    java.util.regex.Pattern.compile("^[0-9]+ new, shown when the pointer leaves the list$")));
            assertThat(browser.findElement(By.cssSelector("#feed li")).getAttribute("data-demand")).isEqualTo(topWhileHovering);
            new Actions(browser).moveToElement(browser.findElement(By.id("ready"))).perform();
            wait.until(ExpectedConditions.textToBe(By.id("feed-held"), ""));
            assertThat(browser.findElement(By.cssSelector("#feed li")).getAttribute("data-demand")).isNotEqualTo(topWhileHovering);

            // the utilization chart and the tables are filled from the read API
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#utilization-chart canvas")));
            wait.until(ExpectedConditions.numberOfElementsToBeMoreThan(By.cssSelector("#pools tbody tr"), 0));
            wait.until(ExpectedConditions.numberOfElementsToBeMoreThan(By.cssSelector("#units tbody tr"), 0));
            // the demo's Connect executor provisions through the simulated adapter: units go in use within seconds
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#units tbody td.IN_USE")));
            wait.until(ExpectedConditions.numberOfElementsToBeMoreThan(By.cssSelector("#providers tbody tr"), 0));
            assertThat(browser.findElement(By.id("ready")).getText()).isEqualTo("engine: RUNNING");

            // the money panel: escrow held, releases, and within two minutes a slash and a refund (provider-4 stalls
            // from the simulator's 60th second)
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("money-panel")));
            final WebDriverWait money = new WebDriverWait(browser, Duration.ofSeconds(150));
            for (final String figure : List.of("money-escrow", "money-released", "money-refunded", "money-slashed")) {
                money.until(b -> positive(b.findElement(By.id(figure)).getText()));
            }
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#money-chart canvas")));
            // the demo runs the background optimizer: its estimate of what packing lost shows under the pools
            wait.until(ExpectedConditions.textMatches(By.id("optimizer"),
                    java.util.regex.Pattern.compile("^Optimizer: estimated gap [0-9]+\\.[0-9]%")));

            // the demo's example stack: its storage and its two a100 replicas are placed and provisioned, its
            // deployment and route follow, and the stack reaches CREATE_COMPLETE with its resources in order
            final WebElement stack = wait.until(ExpectedConditions.presenceOfElementLocated(By.xpath(
                    "//div[@data-stack='demo-serving'][.//h3/span[contains(@class,'CREATE_COMPLETE')]]")));
            assertThat(stack.findElements(By.cssSelector("tbody tr"))).extracting(r -> r.getAttribute("data-resource"))
                    .containsExactly("weights", "pool", "vllm", "api");
            assertThat(stack.findElements(By.cssSelector("tbody td.CREATE_COMPLETE"))).hasSize(4);
            assertThat(stack.findElement(By.cssSelector("tr[data-resource='pool']")).getText()).contains("2 ready");
            // the screenshot shows the stack
            ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()", stack);

            final Path screenshot = Path.of("target", "dashboard.png");
            Files.createDirectories(screenshot.getParent());
            Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), screenshot, StandardCopyOption.REPLACE_EXISTING);
            assertThat(Files.size(screenshot)).isGreaterThan(10_000);
            System.out.println("dashboard screenshot: " + screenshot.toAbsolutePath());
        } finally {
            if (browser != null) {
                browser.quit();
            }
            demo.stopAndAssertGone();
        }
    }
}
