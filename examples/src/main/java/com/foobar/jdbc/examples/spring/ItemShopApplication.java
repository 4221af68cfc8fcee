package com.foobar.jdbc.examples.spring;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Spring Boot example's application: an entity, a Spring Data JPA repository, a service with
 * {@code @Transactional} methods, and a Flyway migration ({@code db/foobar-example}). HikariCP, Hibernate and
 * Flyway are Spring Boot's auto-configuration.
 */
@SpringBootApplication
public class ItemShopApplication {
}
