CREATE TABLE example_item (
    id      BIGINT AUTO_INCREMENT PRIMARY KEY,
    name    VARCHAR(60) NOT NULL,
    stock   INT NOT NULL,
    version BIGINT NOT NULL
) ENGINE = InnoDB;
