/**
 * A real Kafka broker for tests (in-JVM KRaft by default, Testcontainers' Kafka where Docker runs) and the Quarkus
 * test resource that points a service at it; a packaged app started as a child process, for process-level tests.
 */
package org.layerprune.testkit;
