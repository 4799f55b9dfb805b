package io.vitsom.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vitsom.model.data.DecodedImage;
import io.vitsom.model.data.ImageCodec;
import io.vitsom.model.gensom.GenSomConfig.CodebookInit;
import io.vitsom.model.gensom.TinyGenSom;
import io.vitsom.stream.Messages;
import io.vitsom.stream.http.BearerAuth;
import io.vitsom.stream.testing.Fixtures;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v1/generate} against a real (tiny, untrained) Gen-SOM-Attn model and a ViT-SOM one. */
@ExtendWith(VertxExtension.class)
class ServingGenerateTest {
    private static final int ROWS = 3;
    private static final int COLS = 4;
    private static final int SIDE = 16;
    /** Untrained, a 3x4 map on 16x16 gray images with its units apart: built and decoded in milliseconds. */
    private static final TinyGenSom TINY_GEN_SOM = TinyGenSom.standard().withMap(ROWS, COLS).withInputSize(SIDE)
            .withInit(CodebookInit.NORMAL, 1.0);

    @TempDir
    static Path dir;
    private static Path genSom;
    private static Path vitSom;

    private ModelWatcher models;
    private PrometheusMeterRegistry registry;
    private WebClient client;

    @BeforeAll
    static void writeCheckpoints() throws Exception {
        genSom = TINY_GEN_SOM.writeUntrainedCheckpoint(dir.resolve("gen-som"), 7, null);
        vitSom = Fixtures.tinyCheckpoint(dir.resolve("vit-som"), 1, 10);
    }

    @BeforeEach
    void deploy(Vertx vertx, VertxTestContext test) {
        models = ModelWatcher.withoutKafka();
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        deployWith(vertx, ServingHttpConfig.defaults()).onComplete(test.succeeding(deployed -> {
            client = deployed;
            test.completeNow();
        }));
    }

    @AfterEach
    void closeModels() {
        models.close();
        registry.close();
    }

    private Future<WebClient> deployWith(Vertx vertx, ServingHttpConfig config) {
        ServingHttpVerticle verticle = new ServingHttpVerticle(config.withAddress("127.0.0.1", 0), models, registry);
        return vertx.deployVerticle(verticle).map(id -> WebClient.create(vertx, new WebClientOptions()
                .setDefaultHost("127.0.0.1").setDefaultPort(verticle.actualPort())));
    }

    private static Messages.ModelVersion version(long number, Path checkpoint) {
        return new Messages.ModelVersion(number, number * 10, number * 100, checkpoint.toAbsolutePath().toString(),
                Instant.now().toString(), "test", number, 0, 0, "square", Map.of());
    }

    private Future<HttpResponse<Buffer>> get(String uri) {
        return client.get(uri).send();
    }

    private static DecodedImage decode(byte[] png) throws Exception {
        return ImageCodec.decode(png);
    }

    @Test
    void oneImageIsAPngOfTheModelsInputAndTheSameSeedGivesTheSameBytes(VertxTestContext test) {
        assertThat(models.offer(version(4, genSom))).isTrue();
        String uri = "/v1/generate?unit=1,2&sigma=0.5&seed=42";
        get(uri)
                .compose(first -> {
                    test.verify(() -> {
                        assertThat(first.statusCode()).isEqualTo(200);
                        assertThat(first.getHeader("content-type")).isEqualTo("image/png");
                        assertThat(first.getHeader("x-vitsom-model-version")).isEqualTo("4");
                        assertThat(first.getHeader("x-vitsom-seed")).isEqualTo("42");
                        DecodedImage image = decode(first.body().getBytes());
                        assertThat(image.channels()).isEqualTo(1);
                        assertThat(image.height()).isEqualTo(SIDE);
                        assertThat(image.width()).isEqualTo(SIDE);
                    });
                    return get(uri).compose(second -> {
                        test.verify(() -> assertThat(second.body().getBytes())
                                .as("same seed, same model: same image").isEqualTo(first.body().getBytes()));
                        return get("/v1/generate?unit=1,2&sigma=0.5&seed=43").map(other -> {
                            test.verify(() -> assertThat(other.body().getBytes())
                                    .as("another seed draws other noise").isNotEqualTo(first.body().getBytes()));
                            return other;
                        });
                    });
                })
                .onComplete(test.succeeding(done -> test.completeNow()));
    }

    @Test
    void severalImagesAreJsonWithBase64PngsOfTheModelsInput(VertxTestContext test) {
        assertThat(models.offer(version(2, genSom))).isTrue();
        get("/v1/generate?unit=6&n=5&sigma=0.25&seed=9")
                .compose(response -> {
                    test.verify(() -> {
                        assertThat(response.statusCode()).isEqualTo(200);
                        assertThat(response.getHeader("content-type")).isEqualTo("application/json");
                        JsonObject body = response.bodyAsJsonObject();
                        assertThat(body.fieldNames()).containsExactlyInAnyOrder("model_version", "unit", "row",
                                "col", "sigma", "seed", "images");
                        assertThat(body.getLong("model_version")).isEqualTo(2);
                        assertThat(body.getInteger("unit")).isEqualTo(6);
                        assertThat(body.getInteger("row")).isEqualTo(6 / COLS);
                        assertThat(body.getInteger("col")).isEqualTo(6 % COLS);
                        assertThat(body.getDouble("sigma")).isEqualTo(0.25);
                        assertThat(body.getLong("seed")).isEqualTo(9);
                        JsonArray images = body.getJsonArray("images");
                        assertThat(images).hasSize(5);
                        for (int i = 0; i < images.size(); i++) {
                            DecodedImage image = decode(Base64.getDecoder().decode(images.getString(i)));
                            assertThat(image.channels()).isEqualTo(1);
                            assertThat(image.height()).isEqualTo(SIDE);
                            assertThat(image.width()).isEqualTo(SIDE);
                        }
                        assertThat(images.getString(0)).as("five draws, not one five times")
                                .isNotEqualTo(images.getString(1));
                    });
                    // The same unit as ROW,COL, asked for as one picture: the contact sheet of the same draws.
                    return client.get("/v1/generate?unit=1,2&n=5&sigma=0.25&seed=9")
                            .putHeader("accept", "image/png").send();
                })
                .onComplete(test.succeeding(sheet -> test.verify(() -> {
                    assertThat(sheet.statusCode()).isEqualTo(200);
                    assertThat(sheet.getHeader("content-type")).isEqualTo("image/png");
                    DecodedImage image = decode(sheet.body().getBytes());
                    // 3 columns, 2 rows of 16 px tiles with 2 px gaps
                    assertThat(image.width()).isEqualTo(2 + 3 * (SIDE + 2));
                    assertThat(image.height()).isEqualTo(2 + 2 * (SIDE + 2));
                    test.completeNow();
                })));
    }

    @Test
    void aSingleImageAsJsonWhenTheClientAsksForJson(VertxTestContext test) {
        assertThat(models.offer(version(1, genSom))).isTrue();
        client.get("/v1/generate?unit=0,0&sigma=0").putHeader("accept", "application/json").send()
                .onComplete(test.succeeding(response -> test.verify(() -> {
                    assertThat(response.statusCode()).isEqualTo(200);
                    JsonObject body = response.bodyAsJsonObject();
                    assertThat(body.getJsonArray("images")).hasSize(1);
                    assertThat(body.getLong("seed")).as("a seed is drawn and reported when none is given")
                            .isNotNull();
                    test.completeNow();
                })));
    }

    @Test
    void badParametersAre400NamingTheParameter(VertxTestContext test) {
        assertThat(models.offer(version(1, genSom))).isTrue();
        expect400(test, "/v1/generate?unit=3,0&sigma=1", "unit 3,0 is outside the 3x4 map")
                .compose(ok -> expect400(test, "/v1/generate?unit=12&sigma=1", "unit 12 is outside the 3x4 map"))
                .compose(ok -> expect400(test, "/v1/generate?unit=one&sigma=1", "neither ROW,COL nor an index"))
                .compose(ok -> expect400(test, "/v1/generate?sigma=1", "unit is required"))
                .compose(ok -> expect400(test, "/v1/generate?unit=0&n=0&sigma=1", "n must be in [1, 64], got 0"))
                .compose(ok -> expect400(test, "/v1/generate?unit=0&n=65&sigma=1", "n must be in [1, 64], got 65"))
                .compose(ok -> expect400(test, "/v1/generate?unit=0&n=two&sigma=1", "n must be an integer"))
                .compose(ok -> expect400(test, "/v1/generate?unit=0&sigma=-0.1", "sigma must be a finite number >= 0"))
                .compose(ok -> expect400(test, "/v1/generate?unit=0&sigma=NaN", "sigma must be a finite number >= 0"))
                .compose(ok -> expect400(test, "/v1/generate?unit=0&sigma=wide", "sigma must be a number"))
                .compose(ok -> expect400(test, "/v1/generate?unit=0", "sigma is required"))
                .compose(ok -> expect400(test, "/v1/generate?unit=0&sigma=1&seed=x", "seed must be an integer"))
                .onComplete(test.succeeding(ok -> test.completeNow()));
    }

    private Future<Void> expect400(VertxTestContext test, String uri, String message) {
        return get(uri).map(response -> {
            test.verify(() -> {
                assertThat(response.statusCode()).as(uri).isEqualTo(400);
                assertThat(response.getHeader("content-type")).isEqualTo("application/json");
                assertThat(response.bodyAsJsonObject().getString("reason")).isEqualTo(ServingHttpVerticle.BAD_PARAMETER);
                assertThat(response.bodyAsJsonObject().getString("error")).as(uri).contains(message);
            });
            return null;
        });
    }

    @Test
    void aModelThatCannotGenerateIs409AndNoModelYetIs503(VertxTestContext test) {
        get("/v1/generate?unit=0&sigma=1")
                .compose(response -> {
                    test.verify(() -> {
                        assertThat(response.statusCode()).isEqualTo(503);
                        assertThat(response.bodyAsJsonObject().getString("reason"))
                                .isEqualTo(ServingHttpVerticle.NO_MODEL);
                    });
                    assertThat(models.offer(version(1, vitSom))).isTrue();
                    return get("/v1/generate?unit=0&sigma=1");
                })
                .onComplete(test.succeeding(response -> test.verify(() -> {
                    assertThat(response.statusCode()).isEqualTo(409);
                    JsonObject body = response.bodyAsJsonObject();
                    assertThat(body.getString("reason")).isEqualTo(ServingHttpVerticle.CANNOT_GENERATE);
                    assertThat(body.getString("error")).startsWith("model_arch vit_som cannot generate images");
                    test.completeNow();
                })));
    }

    @Test
    void withATokenGenerateAnswers401WithoutIt(Vertx vertx, VertxTestContext test) {
        assertThat(models.offer(version(1, genSom))).isTrue();
        String token = "correct-horse-battery-staple";
        deployWith(vertx, ServingHttpConfig.defaults().withAuth(BearerAuth.ofToken(token)))
                .compose(secured -> secured.get("/v1/generate?unit=0&sigma=0").send()
                        .compose(refused -> {
                            test.verify(() -> assertThat(refused.statusCode()).isEqualTo(401));
                            return secured.get("/v1/generate?unit=0&sigma=0")
                                    .putHeader("authorization", "Bearer " + token).send();
                        }))
                .onComplete(test.succeeding(allowed -> test.verify(() -> {
                    assertThat(allowed.statusCode()).isEqualTo(200);
                    test.completeNow();
                })));
    }
}
