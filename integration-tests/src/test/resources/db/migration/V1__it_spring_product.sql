CREATE TABLE it_spring_product (
    id      BIGINT AUTO_INCREMENT PRIMARY KEY,
    name    VARCHAR(60) NOT NULL UNIQUE,
    stock   INT NOT NULL,
    version BIGINT NOT NULL
) ENGINE = InnoDB;
