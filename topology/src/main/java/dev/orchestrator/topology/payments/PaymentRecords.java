package dev.orchestrator.topology.payments;

import dev.orchestrator.avro.Money;
import dev.orchestrator.avro.Payment;
import dev.orchestrator.avro.PaymentKind;
import dev.orchestrator.topology.money.Movement;
import java.math.BigDecimal;
import java.time.Instant;

/** A ledger movement as its {@code payments.v1} record, and back (for {@code verify} and the settlement worker). */
public final class PaymentRecords {
    private PaymentRecords() {
    }

    /** The record of {@code movement}, amounts in {@code currency}. */
    public static Payment of(final Movement movement, final String currency) {
        return Payment.newBuilder().setPaymentId(movement.id()).setSequence(movement.sequence())
                .setKind(PaymentKind.valueOf(movement.kind().name()))
                .setAmount(new Money(BigDecimal.valueOf(movement.amount(), 6), currency))
                .setConsumerId(movement.consumerId()).setProviderId(movement.providerId())
                .setAllocationId(movement.allocationId()).setPeriod(movement.period())
                .setReason(movement.reason() == null || movement.reason().isEmpty() ? null : movement.reason())
                .setAt(Instant.ofEpochMilli(movement.at()))
                .setConsumerAvailableMicros(movement.consumerAvailable() < 0 ? null : movement.consumerAvailable())
                .setConsumerLockedMicros(movement.consumerAvailable() < 0 ? null : movement.consumerLocked())
                .setProviderStakeMicros(movement.providerStake() < 0 ? null : movement.providerStake())
                .build();
    }

    /** The key a movement's record goes under: its consumer, or the provider of a stake. */
    public static String key(final Movement movement) {
        return movement.consumerId() != null ? movement.consumerId() : movement.providerId();
    }

    /**
     * The movement a record says, for checking the books; null for a kind this build does not know. Throws {@link ArithmeticException} for an amount
     * that is no whole number of micro-units or no long.
     */
    public static Movement movement(final Payment payment) {
        if (payment.getKind() == PaymentKind.UNKNOWN) {
            return null;
        }
        final long micros = payment.getAmount().getAmount().movePointRight(6).longValueExact();
        return new Movement(payment.getPaymentId(), Movement.Kind.valueOf(payment.getKind().name()), micros,
                payment.getConsumerId(), payment.getProviderId(), payment.getAllocationId(), payment.getPeriod(),
                payment.getReason() == null ? "" : payment.getReason(), payment.getAt().toEpochMilli(),
                payment.getConsumerAvailableMicros() == null ? -1 : payment.getConsumerAvailableMicros(),
                payment.getConsumerLockedMicros() == null ? -1 : payment.getConsumerLockedMicros(),
                payment.getProviderStakeMicros() == null ? -1 : payment.getProviderStakeMicros(), payment.getSequence());
    }
}
