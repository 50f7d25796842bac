# syntax=docker/dockerfile:1
# The orchestrator (default target) and a Kafka Connect worker carrying its connector plugin
# (target "connect"). Validated offline here (no Docker engine on the build machine): see README,
# "Running with Docker".

# --- build: the same Maven build as ./orchestrator, tests skipped (CI runs them)
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# poms first, so a source change does not download the dependencies again
COPY pom.xml ./
COPY schemas/pom.xml schemas/
COPY test-support/pom.xml test-support/
COPY topology/pom.xml topology/
COPY query-api/pom.xml query-api/
COPY adapters/pom.xml adapters/
COPY connectors/pom.xml connectors/
COPY app/pom.xml app/
# warms the cache only: our own modules are in no repository yet, so this step may stop early
RUN mvn -B -q -Dmaven.test.skip=true dependency:go-offline || true
COPY . .
RUN mvn -B -q -Dstyle.color=never -Dmaven.test.skip=true package

# --- runtime: a JRE, a non-root user, state under /var/lib/orchestrator
FROM eclipse-temurin:17-jre AS orchestrator
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 orchestrator \
    && useradd --system --uid 10001 --gid orchestrator --home-dir /var/lib/orchestrator orchestrator \
    && mkdir -p /var/lib/orchestrator/state \
    && chown -R orchestrator:orchestrator /var/lib/orchestrator
COPY --from=build /src/app/target/orchestrator.jar /opt/orchestrator/orchestrator.jar
USER orchestrator
WORKDIR /var/lib/orchestrator
ENV ORCH_STATE_DIR=/var/lib/orchestrator/state \
    ORCH_HTTP_PORT=8080 \
    JAVA_OPTS="-Xmx1g"
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${ORCH_HTTP_PORT}/health/ready" > /dev/null || exit 1
# exec: the JVM is PID 1's child-free replacement, so docker stop's SIGTERM reaches it
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /opt/orchestrator/orchestrator.jar \"$@\"", "orchestrator"]
CMD ["run"]

# --- connect: Apache Kafka's own image, with the command executor and telemetry source on plugin.path
FROM apache/kafka:4.3.1 AS connect
COPY --from=build /src/connectors/target/plugin/orchestrator-connectors /opt/connect-plugins/orchestrator-connectors
COPY deploy/connect/worker.properties /opt/connect/worker.properties
EXPOSE 8083
CMD ["/opt/kafka/bin/connect-distributed.sh", "/opt/connect/worker.properties"]
