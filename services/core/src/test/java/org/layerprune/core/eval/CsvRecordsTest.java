package org.layerprune.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.layerprune.core.eval.CsvRecords.CsvRecord;

class CsvRecordsTest {

    @Test
    void parsesQuotedCommasQuotesAndNewlinesWithTheLineEachRecordStartsOn() {
        String text = "plain,\"with, comma\",\"say \"\"hi\"\"\"\n"
                + "\"two\nlines\",\"three\n\nlines\",x\n"
                + "last,\"\",\n";
        assertEquals(List.of(
                        ok(1, "plain", "with, comma", "say \"hi\""),
                        ok(2, "two\nlines", "three\n\nlines", "x"),
                        ok(6, "last", "", "")),
                CsvRecords.parse(text));
    }

    @Test
    void countsCrLfAndLoneCrAsOneLineBreakEachAndKeepsThemInsideQuotes() {
        String text = "a,\"b\r\nc\"\r\nd,e\rf,g";
        assertEquals(List.of(ok(1, "a", "b\r\nc"), ok(3, "d", "e"), ok(4, "f", "g")), CsvRecords.parse(text));
    }

    @Test
    void skipsEmptyLinesButCountsThem() {
        assertEquals(List.of(ok(2, "a", "b"), ok(5, "c")), CsvRecords.parse("\na,b\n\n\nc\n\n"));
    }

    @Test
    void keepsAQuoteInsideAnUnquotedFieldAsText() {
        assertEquals(List.of(ok(1, "5\" rule", "x")), CsvRecords.parse("5\" rule,x\n"));
    }

    @Test
    void marksTextAfterAClosingQuoteMalformedAndReadsOnFromTheNextLine() {
        List<CsvRecord> records = CsvRecords.parse("ok,1\n\"a\"b,2\nnext,3\n");
        assertEquals(3, records.size());
        assertEquals(Optional.of("text after the closing quote of field 1"), records.get(1).malformed());
        assertEquals(2, records.get(1).line());
        assertEquals(ok(3, "next", "3"), records.get(2));
    }

    @Test
    void marksAQuotedFieldLeftOpenMalformedAtTheLineItStarts() {
        List<CsvRecord> records = CsvRecords.parse("ok,1\nx,\"never\nclosed,2\nmore\n");
        assertEquals(2, records.size());
        assertEquals(2, records.get(1).line());
        assertTrue(records.get(1).malformed().orElseThrow().contains("field 2 is never closed"));
    }

    private static CsvRecord ok(long line, String... fields) {
        return new CsvRecord(line, List.of(fields), Optional.empty());
    }
}
