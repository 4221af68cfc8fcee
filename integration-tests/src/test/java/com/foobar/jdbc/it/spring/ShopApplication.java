package com.foobar.jdbc.it.spring;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small Spring Boot application for {@code SpringBootFrameworkTest}: one JPA entity, a Spring Data repository, a
 * service with {@code @Transactional} and {@code @Transactional(readOnly = true)} methods, and Flyway migrations in
 * {@code src/test/resources/db/migration}. Everything else is Spring Boot's auto-configuration (HikariCP, Hibernate,
 * Flyway, the actuator's health indicators).
 */
@SpringBootApplication
public class ShopApplication {
}
