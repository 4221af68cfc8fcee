package com.foobar.jdbc.examples.spring;

import jakarta.persistence.LockModeType;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** Spring Data JPA: its reads run in read-only transactions, {@code save} in a read-write one. */
public interface ItemRepository extends JpaRepository<Item, Long> {

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select i from Item i where i.id = :id")
    Optional<Item> findByIdForUpdate(@Param("id") long id);

    /** The {@code @@server_id} of the server that ran this query. */
    @Query(value = "SELECT @@server_id", nativeQuery = true)
    long serverId();
}
