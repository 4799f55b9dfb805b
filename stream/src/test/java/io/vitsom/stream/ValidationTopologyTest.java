package io.vitsom.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitsom.model.data.DecodedImage;
import io.vitsom.model.data.HostileImages;
import io.vitsom.model.data.ImageCodec;
import io.vitsom.model.data.ImageDecodeException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ValidationTopologyTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final ValidationConfig MNIST = new ValidationConfig(1, 28, false, false);

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> images;
    private TestOutputTopic<String, byte[]> valid;
    private TestOutputTopic<String, byte[]> dlq;

    private void start(ValidationConfig config) {
        start(value -> ValidationTopology.check(value, config));
    }

    private void start(java.util.function.Function<byte[], ValidationTopology.Outcome> checker) {
        StreamsBuilder builder = new StreamsBuilder();
        ValidationTopology.build(builder, TOPICS, checker, ValidationTopology.Listener.NONE);
        Properties props = new Properties();
        props.setProperty(StreamsConfig.APPLICATION_ID_CONFIG, "validation-test");
        props.setProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        // Opt in to the Kafka 5.0 default now (the constant is already deprecated); without it every driver warns.
        props.setProperty("processing.exception.handler.global.enabled", "true");
        driver = new TopologyTestDriver(builder.build(), props);
        images = driver.createInputTopic(TOPICS.images().name(), TOPICS.images().keySerde().serializer(),
                TOPICS.images().valueSerde().serializer());
        valid = driver.createOutputTopic(TOPICS.imagesValid().name(), TOPICS.imagesValid().keySerde().deserializer(),
                TOPICS.imagesValid().valueSerde().deserializer());
        dlq = driver.createOutputTopic(TOPICS.imagesDlq().name(), TOPICS.imagesDlq().keySerde().deserializer(),
                TOPICS.imagesDlq().valueSerde().deserializer());
    }

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    private static byte[] grayPng(int height, int width) {
        byte[] pixels = new byte[height * width];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 7);
        }
        return ImageCodec.encodePng(1, height, width, pixels);
    }

    private static byte[] rgbPng(int height, int width) {
        byte[] pixels = new byte[3 * height * width];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 13);
        }
        return ImageCodec.encodePng(3, height, width, pixels);
    }

    private static Headers metadata() {
        return ImageRecord.write(new RecordHeaders(), new ImageRecord.Metadata(ImageRecord.PNG, "test",
                Optional.of("7"), Instant.ofEpochMilli(1_700_000_000_000L)));
    }

    private void send(String key, byte[] value) {
        images.pipeInput(new TestRecord<>(key, value, metadata()));
    }

    private static String header(TestRecord<String, byte[]> record, String key) {
        return ImageRecord.get(record.headers(), key).orElse(null);
    }

    @Test
    void validGrayImageOfTheModelSizePassesUnchangedWithItsHeaders() {
        start(MNIST);
        byte[] png = grayPng(28, 28);
        send("a", png);

        assertThat(dlq.isEmpty()).isTrue();
        TestRecord<String, byte[]> out = valid.readRecord();
        assertThat(out.key()).isEqualTo("a");
        assertThat(out.value()).isEqualTo(png);
        assertThat(ImageRecord.read(out.headers())).isEqualTo(ImageRecord.read(metadata()));
        assertThat(out.headers().lastHeader(ImageRecord.DLQ_REASON)).isNull();
        assertThat(valid.isEmpty()).isTrue();
    }

    @Test
    void truncatedPngGoesToTheDlqWithReasonTruncatedAndItsOriginalPosition() {
        start(MNIST);
        byte[] png = grayPng(28, 28);
        send("x", Arrays.copyOf(png, png.length / 2));
        send("cut-before-end", Arrays.copyOf(png, png.length - 4));

        List<TestRecord<String, byte[]>> rejected = dlq.readRecordsToList();
        assertThat(rejected).hasSize(2);
        assertThat(rejected).allSatisfy(r ->
                assertThat(header(r, ImageRecord.DLQ_REASON)).isEqualTo(ImageDecodeException.TRUNCATED));
        TestRecord<String, byte[]> first = rejected.get(0);
        assertThat(first.key()).isEqualTo("x");
        assertThat(first.value()).isEqualTo(Arrays.copyOf(png, png.length / 2));
        assertThat(header(first, ImageRecord.DLQ_TOPIC)).isEqualTo("images");
        assertThat(header(first, ImageRecord.DLQ_PARTITION)).isEqualTo("0");
        assertThat(header(first, ImageRecord.DLQ_OFFSET)).isEqualTo("0");
        assertThat(header(rejected.get(1), ImageRecord.DLQ_OFFSET)).isEqualTo("1");
        assertThat(header(first, ImageRecord.DLQ_DETAIL)).contains("truncated PNG");
        assertThat(header(first, ImageRecord.SOURCE)).isEqualTo("test");
        assertThat(valid.isEmpty()).isTrue();
    }

    @Test
    void wrongSizeGoesToTheDlqWhenResizingIsOff() {
        start(MNIST);
        send("big", grayPng(32, 32));
        send("not-square", grayPng(28, 30));

        List<TestRecord<String, byte[]>> rejected = dlq.readRecordsToList();
        assertThat(rejected).extracting(r -> header(r, ImageRecord.DLQ_REASON))
                .containsExactly(ValidationTopology.WRONG_SIZE, ValidationTopology.WRONG_SIZE);
        assertThat(header(rejected.get(0), ImageRecord.DLQ_DETAIL)).contains("1x32x32").contains("1x28x28");
        assertThat(valid.isEmpty()).isTrue();
    }

    @Test
    void rgbImageGoesToTheDlqWhenChannelConversionIsOff() {
        start(MNIST);
        send("rgb", rgbPng(28, 28));

        assertThat(header(dlq.readRecord(), ImageRecord.DLQ_REASON)).isEqualTo(ValidationTopology.WRONG_CHANNELS);
        assertThat(valid.isEmpty()).isTrue();
    }

    @Test
    void bytesThatAreNotAnImageGoToTheDlq() {
        start(MNIST);
        send("text", "hello, this is not a picture".getBytes(StandardCharsets.UTF_8));

        assertThat(header(dlq.readRecord(), ImageRecord.DLQ_REASON)).isEqualTo(ImageDecodeException.NOT_AN_IMAGE);
        assertThat(valid.isEmpty()).isTrue();
    }

    @Test
    void emptyAndNullValuesGoToTheDlqAsEmpty() {
        start(MNIST);
        send("empty", new byte[0]);
        send("null", null);

        List<TestRecord<String, byte[]>> rejected = dlq.readRecordsToList();
        assertThat(rejected).extracting(TestRecord::key).containsExactly("empty", "null");
        assertThat(rejected).extracting(r -> header(r, ImageRecord.DLQ_REASON))
                .containsExactly(ImageDecodeException.EMPTY, ImageDecodeException.EMPTY);
        assertThat(rejected.get(1).value()).isNull();
        assertThat(valid.isEmpty()).isTrue();
    }

    @Test
    void badRecordsDoNotStopTheFollowingValidOnes() {
        start(MNIST);
        send("bad", new byte[] {1, 2, 3});
        send("null", null);
        send("good", grayPng(28, 28));

        assertThat(dlq.readRecordsToList()).hasSize(2);
        assertThat(valid.readRecord().key()).isEqualTo("good");
    }

    @Test
    void rgbImageOfAnotherSizeIsConvertedToGrayAndResizedWhenConfigured() throws ImageDecodeException {
        start(MNIST.withConversions(true, true));
        byte[] rgb = rgbPng(40, 40);
        send("c", rgb);

        assertThat(dlq.isEmpty()).isTrue();
        TestRecord<String, byte[]> out = valid.readRecord();
        assertThat(header(out, ImageRecord.CONTENT_TYPE)).isEqualTo(ImageRecord.PNG);
        assertThat(header(out, ImageRecord.LABEL)).isEqualTo("7");
        DecodedImage expected = ImageCodec.resize(ImageCodec.toGray(ImageCodec.decode(rgb)), 28, 28);
        DecodedImage actual = ImageCodec.decode(out.value());
        assertThat(actual.shape()).isEqualTo("1x28x28");
        assertThat(actual.chw()).isEqualTo(expected.chw());
    }

    @Test
    void grayImageIsConvertedToRgbForAnRgbModel() throws ImageDecodeException {
        start(new ValidationConfig(3, 28, true, false));
        send("g", grayPng(28, 28));

        DecodedImage actual = ImageCodec.decode(valid.readRecord().value());
        assertThat(actual.shape()).isEqualTo("3x28x28");
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void conversionOnlyAppliesWhereConfigured() {
        start(MNIST.withConversions(true, false));
        send("rgb-right-size", rgbPng(28, 28));
        send("gray-wrong-size", grayPng(40, 40));

        assertThat(valid.readRecord().key()).isEqualTo("rgb-right-size");
        assertThat(header(dlq.readRecord(), ImageRecord.DLQ_REASON)).isEqualTo(ValidationTopology.WRONG_SIZE);
    }

    @Test
    void everyHostileItemGetsItsReasonWhileTheValidImagesBetweenThemPass() {
        start(MNIST);
        List<HostileImages.Item> corpus = HostileImages.corpus();
        for (int i = 0; i < corpus.size(); i++) {
            send("hostile-" + i, corpus.get(i).bytes());
            send("valid-" + i, HostileImages.validPng(i));
        }

        java.util.Map<String, String> reasons = new java.util.HashMap<>();
        for (TestRecord<String, byte[]> r : dlq.readRecordsToList()) {
            reasons.put(r.key(), header(r, ImageRecord.DLQ_REASON));
            assertThat(header(r, ImageRecord.DLQ_DETAIL)).as(r.key()).isNotBlank();
        }
        List<String> passed = valid.readRecordsToList().stream().map(TestRecord::key).toList();
        for (int i = 0; i < corpus.size(); i++) {
            HostileImages.Item item = corpus.get(i);
            if (item.reason().equals(HostileImages.VALID)) {
                assertThat(passed).as(item.toString()).contains("hostile-" + i);
            } else {
                assertThat(reasons.get("hostile-" + i)).as(item.toString()).isEqualTo(item.reason());
            }
            assertThat(passed).contains("valid-" + i);
        }
    }

    @Test
    void anImageAboveConfiguredLimitsIsRejectedAsTooLarge() {
        start(MNIST.withLimits(new io.vitsom.model.data.ImageLimits(1 << 20, 27 * 27)));
        send("big", grayPng(28, 28));

        assertThat(header(dlq.readRecord(), ImageRecord.DLQ_REASON)).isEqualTo(ImageDecodeException.TOO_LARGE);
    }

    @Test
    void anErrorWhileCheckingOneRecordSendsItToTheDlqAndTheNextRecordStillPasses() {
        byte[] poison = {1, 2, 3};
        start(value -> {
            if (Arrays.equals(value, poison)) {
                throw new OutOfMemoryError("Java heap space (thrown by the test)");
            }
            return ValidationTopology.check(value, MNIST);
        });
        send("poison", poison);
        send("after", grayPng(28, 28));

        TestRecord<String, byte[]> rejected = dlq.readRecord();
        assertThat(rejected.key()).isEqualTo("poison");
        assertThat(rejected.value()).isEqualTo(poison);
        assertThat(header(rejected, ImageRecord.DLQ_REASON)).isEqualTo(ValidationTopology.INTERNAL_ERROR);
        assertThat(valid.readRecord().key()).isEqualTo("after");
    }
}
