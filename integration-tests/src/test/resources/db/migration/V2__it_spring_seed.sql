INSERT INTO it_spring_product (name, stock, version) VALUES ('seed-1', 10, 0), ('seed-2', 20, 0);
