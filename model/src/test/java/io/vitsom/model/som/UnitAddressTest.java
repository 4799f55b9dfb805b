package io.vitsom.model.som;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UnitAddressTest {
    private static final SomGrid GRID = new SomGrid(4, 5, Topology.SQUARE);

    @Test
    void rowAndColumnOrAnIndexNameTheSameRowMajorUnit() {
        assertThat(UnitAddress.parse("2,3", GRID)).isEqualTo(13);
        assertThat(UnitAddress.parse("13", GRID)).isEqualTo(13);
        assertThat(UnitAddress.parse(" 1 , 0 ", GRID)).isEqualTo(5);
        assertThat(UnitAddress.parse("0,0", GRID)).isEqualTo(0);
        assertThat(UnitAddress.parse("3,4", GRID)).isEqualTo(19);
    }

    @Test
    void aUnitOutsideTheGridIsRefusedNamingTheMapSize() {
        assertThatThrownBy(() -> UnitAddress.parse("4,0", GRID))
                .hasMessage("unit 4,0 is outside the 4x5 map (rows 0 to 3, columns 0 to 4)");
        assertThatThrownBy(() -> UnitAddress.parse("0,-1", GRID)).hasMessageContaining("outside the 4x5 map");
        assertThatThrownBy(() -> UnitAddress.parse("20", GRID))
                .hasMessage("unit 20 is outside the 4x5 map (indices 0 to 19)");
    }

    @Test
    void textThatIsNeitherRowColumnNorAnIndexIsRefused() {
        assertThatThrownBy(() -> UnitAddress.parse("a,b", GRID))
                .hasMessage("unit 'a,b' is neither ROW,COL nor an index");
        assertThatThrownBy(() -> UnitAddress.parse("1,2,3", GRID)).hasMessageContaining("neither ROW,COL");
        assertThatThrownBy(() -> UnitAddress.parse("1,", GRID)).hasMessageContaining("neither ROW,COL");
        assertThatThrownBy(() -> UnitAddress.parse(" ", GRID)).hasMessageStartingWith("no unit given");
    }
}
