/**
 * The live dashboard of the map: {@link io.vitsom.dashboard.Dashboard} deploys an HTTP server
 * ({@link io.vitsom.dashboard.DashboardVerticle}), a feed of the {@code som.*} topics
 * ({@link io.vitsom.dashboard.KafkaFeedVerticle}) and a consumer-lag probe
 * ({@link io.vitsom.dashboard.ConsumerLagVerticle}) around one {@link io.vitsom.dashboard.DashboardState};
 * {@link io.vitsom.dashboard.DashboardCommand} runs it on its own ({@code vitsom dashboard}).
 */
package io.vitsom.dashboard;
