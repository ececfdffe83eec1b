package io.vidgate.pricing;

/** The cost of one job in credits: rate x billed seconds, integers only. */
public record Price(long credits, int ratePerSecond, int billedSeconds) {

    public static Price of(int ratePerSecond, int billedSeconds) {
        return new Price(Math.multiplyExact((long) ratePerSecond, billedSeconds), ratePerSecond, billedSeconds);
    }
}
