package com.foobar.jdbc.it.spring;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Read-write and read-only transactions, as an application writes them. */
@Service
public class ShopService {

    private final ProductRepository products;

    @PersistenceContext
    private EntityManager entityManager;

    public ShopService(ProductRepository products) {
        this.products = products;
    }

    /** What a read-only transaction saw, and where each of its reads ran. */
    public record Report(List<Integer> serverIds, long productCount, int totalStock) {
    }

    @Transactional
    public long addProduct(String name, int stock) {
        return products.save(new Product(name, stock)).getId();
    }

    @Transactional
    public void rename(long id, String name) {
        products.findById(id).orElseThrow().setName(name);
    }

    /** Locks the row ({@code PESSIMISTIC_WRITE}), runs {@code whileLocked}, takes one from the stock. */
    @Transactional
    public int reserve(long id, Runnable whileLocked) {
        Product p = products.findByIdForUpdate(id).orElseThrow();
        whileLocked.run();
        p.setStock(p.getStock() - 1);
        return serverId();
    }

    /** Saves a (possibly stale) detached product: a version conflict fails. */
    @Transactional
    public Product save(Product product) {
        return products.save(product);
    }

    @Transactional
    public int serverIdOfReadWriteTransaction() {
        products.count();
        return serverId();
    }

    @Transactional(readOnly = true)
    public Report report() {
        int first = serverId();
        long count = products.count();
        int stock = products.findAll().stream().mapToInt(Product::getStock).sum();
        return new Report(List.of(first, serverId()), count, stock);
    }

    @Transactional(readOnly = true)
    public Product load(long id) {
        return products.findById(id).orElseThrow();
    }

    /** A write in a read-only transaction: the driver refuses it (25006) and sends nothing. */
    @Transactional(readOnly = true)
    public void writeInReadOnlyTransaction(String name) {
        products.saveAndFlush(new Product(name, 1));
    }

    private int serverId() {
        return ((Number) entityManager.createNativeQuery("SELECT @@server_id").getSingleResult()).intValue();
    }
}
