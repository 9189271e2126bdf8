package io.spillway.device;

/**
 * An input that ended before its end: a damaged capture file (every packet before the damage was delivered) or an
 * interface that went away during the run.
 *
 * @param damage the file's damage, or null for an interface
 * @param what   what happened, a sentence naming the input
 */
public record InputProblem(CaptureDamage damage, String what)
{
    public static InputProblem of(final CaptureDamage damage)
    {
        return new InputProblem(damage, damage.toString());
    }

    public static InputProblem interfaceLost(final String what)
    {
        return new InputProblem(null, what);
    }

    @Override
    public String toString()
    {
        return what;
    }
}
