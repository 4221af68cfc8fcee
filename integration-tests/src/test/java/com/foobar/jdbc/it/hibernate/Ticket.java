package com.foobar.jdbc.it.hibernate;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/**
 * An entity whose key comes from a database sequence, one {@code nextval} per insert (allocation size 1), so
 * that every key is a sequence call the test can place.
 */
@Entity
@Table(name = "it_hib_ticket")
public class Ticket {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "it_hib_ticket_gen")
    @SequenceGenerator(name = "it_hib_ticket_gen", sequenceName = "it_hib_ticket_seq", allocationSize = 1)
    private Long id;

    @Column(nullable = false, length = 60)
    private String title;

    protected Ticket() {
    }

    public Ticket(String title) {
        this.title = title;
    }

    public Long getId() {
        return id;
    }

    public String getTitle() {
        return title;
    }
}
