package com.foobar.jdbc.examples.spring;

import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The application's transactions. Each method returns the {@code @@server_id}s of the servers that ran it. */
@Service
public class ItemService {

    private final ItemRepository items;

    public ItemService(ItemRepository items) {
        this.items = items;
    }

    /** Adds items; returns the server of the transaction. */
    @Transactional
    public long addItems(int count) {
        for (int i = 0; i < count; i++) {
            items.save(new Item("item-" + System.nanoTime() + "-" + i, 10));
        }
        return items.serverId();
    }

    /** Reads the stock; returns the servers of the transaction's reads. */
    @Transactional(readOnly = true)
    public List<Long> inventory() {
        List<Long> servers = new ArrayList<>();
        servers.add(items.serverId());
        items.findAll();
        items.count();
        servers.add(items.serverId());
        return servers;
    }

    /** Takes one item from the stock under a PESSIMISTIC_WRITE lock; returns the server of the transaction. */
    @Transactional
    public long reserveOne(long id) {
        Item item = items.findByIdForUpdate(id).orElseThrow();
        item.setStock(item.getStock() - 1);
        return items.serverId();
    }

    @Transactional(readOnly = true)
    public long anyItemId() {
        return items.findAll().get(0).getId();
    }
}
