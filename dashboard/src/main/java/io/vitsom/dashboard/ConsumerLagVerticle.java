package io.vitsom.dashboard;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the consumer lag of the configured groups on {@code images.valid} every
 * {@link DashboardConfig#lagEvery()} with the Kafka admin client: the end offset of every partition minus the
 * group's committed offset (minus the partition's start when the group has committed nothing there yet). The
 * learner commits at its checkpoints, so its lag includes the images trained since the last one.
 *
 * <p>The admin calls are asynchronous; their results are handled on this verticle's event loop, and a
 * measurement never overlaps the previous one. A failed measurement keeps the previous numbers with the error.
 */
public final class ConsumerLagVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLagVerticle.class);

    private final DashboardState state;
    private Admin admin;
    private long timer = -1;
    private boolean measuring;
    private String lastError;

    public ConsumerLagVerticle(DashboardState state) {
        this.state = Objects.requireNonNull(state, "state");
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> state.config().clients().admin("vitsom-dashboard-lag"))
                .onSuccess(a -> {
                    admin = a;
                    timer = vertx.setPeriodic(0, state.config().lagEvery().toMillis(), id -> measure());
                });
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(timer);
        if (admin == null) {
            return Future.succeededFuture();
        }
        return vertx.executeBlocking(() -> {
            admin.close(Duration.ofSeconds(2));
            return null;
        });
    }

    private void measure() {
        if (measuring) {
            return;
        }
        measuring = true;
        String topic = state.config().topics().imagesValid().name();
        long startedAt = System.currentTimeMillis();
        kafka(admin.describeTopics(List.of(topic)).allTopicNames())
                .compose(described -> measure(topic, described.get(topic)))
                .onSuccess(groups -> {
                    state.onLag(new DashboardState.Lag(startedAt, topic, groups, null));
                    lastError = null;
                })
                .onFailure(e -> {
                    String reason = state.config().clients().authenticationFailure(e).map(Throwable::getMessage)
                            .orElseGet(() -> reason(e, topic, state.config().clients().bootstrapServers()));
                    if (!reason.equals(lastError)) {
                        LOG.warn("consumer lag on {} not measured: {}", topic, reason);
                        lastError = reason;
                    }
                    DashboardState.Lag previous = state.lag();
                    state.onLag(new DashboardState.Lag(startedAt, topic, previous.groups(), reason));
                })
                .onComplete(done -> measuring = false);
    }

    private Future<List<DashboardState.GroupLag>> measure(String topic, TopicDescription description) {
        Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new LinkedHashMap<>();
        description.partitions().forEach(p -> {
            latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
            earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
        });
        Future<Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo>> ends =
                kafka(admin.listOffsets(latest).all());
        Future<Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo>> starts =
                kafka(admin.listOffsets(earliest).all());
        List<String> groups = state.config().groups();
        List<Future<Map<TopicPartition, OffsetAndMetadata>>> committed = new ArrayList<>();
        for (String group : groups) {
            committed.add(kafka(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()));
        }
        List<Future<?>> all = new ArrayList<>(committed);
        all.add(ends);
        all.add(starts);
        return Future.all(all).map(done -> {
            List<DashboardState.GroupLag> out = new ArrayList<>();
            for (int g = 0; g < groups.size(); g++) {
                out.add(lag(groups.get(g), latest.keySet(), ends.result(), starts.result(),
                        committed.get(g).result()));
            }
            return out;
        });
    }

    /** One group's lag from the offsets; pure, so a test can check the arithmetic. */
    static DashboardState.GroupLag lag(String group, Iterable<TopicPartition> partitions,
                                       Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends,
                                       Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts,
                                       Map<TopicPartition, OffsetAndMetadata> committed) {
        List<DashboardState.PartitionLag> partitionLags = new ArrayList<>();
        long total = 0;
        for (TopicPartition tp : partitions) {
            long end = ends.get(tp).offset();
            long start = starts.get(tp).offset();
            OffsetAndMetadata offset = committed.get(tp);
            Long at = offset == null ? null : offset.offset();
            long lag = Math.max(0, end - (at == null ? start : Math.max(at, start)));
            partitionLags.add(new DashboardState.PartitionLag(tp.partition(), end, at, lag));
            total += lag;
        }
        return new DashboardState.GroupLag(group, total, partitionLags);
    }

    private <T> Future<T> kafka(KafkaFuture<T> future) {
        return Future.fromCompletionStage(future.toCompletionStage(), context);
    }

    private static String reason(Throwable e, String topic, String bootstrap) {
        Throwable cause = e;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof UnknownTopicOrPartitionException) {
            return "topic " + topic + " does not exist yet";
        }
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return "the cluster at " + bootstrap + " does not answer (" + cause.getMessage() + ")";
        }
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }
}
