package io.vitsom.model.som;

/** Layout of the SOM units on the 2-D map. */
public enum Topology {
    /** Units on integer (row, col) positions; 4 grid neighbours. */
    SQUARE("square"),
    /** Odd rows shifted by half a unit, rows {@code sqrt(3)/2} apart; 6 grid neighbours. */
    HEXAGONAL("hexa");

    private final String configName;

    Topology(String configName) {
        this.configName = configName;
    }

    /** The name used in YAML configs ({@code square} or {@code hexa}, as in the reference). */
    public String configName() {
        return configName;
    }

    /** Parses the config name; also accepts {@code hexagonal}. */
    public static Topology fromConfig(String name) {
        return switch (name) {
            case "square" -> SQUARE;
            case "hexa", "hexagonal" -> HEXAGONAL;
            default -> throw new IllegalArgumentException("unknown topology '" + name + "' (expected square or hexa)");
        };
    }
}
