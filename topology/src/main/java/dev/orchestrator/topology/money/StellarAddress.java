package dev.orchestrator.topology.money;

/**
 * Checks a Stellar account address (a strkey: {@code G} then 55 base-32 characters that decode to a
 * version byte, a 32-byte ed25519 key and a CRC16-XModem checksum). Written here rather than taken
 * from stellar-sdk so the engine does not carry the SDK (and okhttp) for one check;
 * {@code StellarAddressCrossCheckTest} (in the app, which has both) checks it agrees with the SDK.
 */
public final class StellarAddress {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final int LENGTH = 56;
    /** Version byte of an account id: 6 << 3, which makes the first character G. */
    private static final int ACCOUNT_ID = 6 << 3;

    private StellarAddress() {
    }

    /** Whether {@code address} is a well-formed account address with a correct checksum. */
    public static boolean valid(final String address) {
        if (address == null || address.length() != LENGTH) {
            return false;
        }
        final byte[] raw = decode(address);
        if (raw == null || (raw[0] & 0xff) != ACCOUNT_ID) {
            return false;
        }
        final int expected = (raw[33] & 0xff) | (raw[34] & 0xff) << 8;
        return crc16(raw, 33) == expected;
    }

    /** 56 characters are 280 bits, exactly 35 bytes; null when a character is not base-32. */
    private static byte[] decode(final String text) {
        final byte[] out = new byte[35];
        int buffer = 0;
        int bits = 0;
        int index = 0;
        for (int i = 0; i < text.length(); i++) {
            final int value = ALPHABET.indexOf(text.charAt(i));
            if (value < 0) {
                return null;
            }
            buffer = buffer << 5 | value;
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                out[index++] = (byte) (buffer >> bits);
                buffer &= (1 << bits) - 1;
            }
        }
        return out;
    }

    private static int crc16(final byte[] bytes, final int length) {
        int crc = 0;
        for (int i = 0; i < length; i++) {
            crc ^= (bytes[i] & 0xff) << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            crc &= 0xffff;
        }
        return crc;
    }
}
