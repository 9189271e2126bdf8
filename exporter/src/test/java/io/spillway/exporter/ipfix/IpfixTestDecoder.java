package io.spillway.exporter.ipfix;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict IPFIX reader for tests, written from RFC 7011 independently of the encoder: messages, template and
 * options template sets, data sets decoded with the templates seen so far in the same session.
 */
final class IpfixTestDecoder
{
    /** One field specifier of a decoded template. */
    record FieldSpec(int id, int length, long enterprise)
    {
        String key()
        {
            return 0 == enterprise ? Integer.toString(id) : enterprise + "/" + id;
        }
    }

    record Template(int id, int scopeCount, List<FieldSpec> fields)
    {
    }

    /** A data record: field key ("8", "29305/2", "32473/1") to value bytes. */
    record DataRecord(int templateId, Map<String, byte[]> values)
    {
        long unsigned(final String key)
        {
            final byte[] bytes = values.get(key);
            if (null == bytes)
            {
                throw new AssertionError("no field " + key + " in record of template " + templateId);
            }
            long value = 0;
            for (final byte b : bytes)
            {
                value = value << 8 | (b & 0xFF);
            }
            return value;
        }

        byte[] bytes(final String key)
        {
            return values.get(key);
        }

        String text(final String key)
        {
            return new String(values.get(key), java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    record Message(int length, long exportTime, long sequence, long domain, List<Integer> templatesDefined,
        List<DataRecord> records)
    {
    }

    private final Map<Integer, Template> templates = new HashMap<>();
    private final List<Message> messages = new ArrayList<>();

    Map<Integer, Template> templates()
    {
        return templates;
    }

    List<Message> messages()
    {
        return messages;
    }

    List<DataRecord> records()
    {
        final List<DataRecord> all = new ArrayList<>();
        for (final Message message : messages)
        {
            all.addAll(message.records());
        }
        return all;
    }

    /** Decodes consecutive whole messages; fails on anything malformed or a data set without its template. */
    void decodeStream(final byte[] bytes, final int offset, final int length)
    {
        int position = offset;
        while (position < offset + length)
        {
            position += decodeMessage(ByteBuffer.wrap(bytes, position, offset + length - position).slice());
        }
    }

    /**
     * @return the message length.
     */
    int decodeMessage(final ByteBuffer in)
    {
        check(in.remaining() >= 16, "short message header: " + in.remaining());
        final int version = in.getShort(0) & 0xFFFF;
        final int length = in.getShort(2) & 0xFFFF;
        check(10 == version, "version " + version);
        check(length >= 16 && length <= in.remaining(), "message length " + length + " of " + in.remaining());
        final long exportTime = in.getInt(4) & 0xFFFF_FFFFL;
        final long sequence = in.getInt(8) & 0xFFFF_FFFFL;
        final long domain = in.getInt(12) & 0xFFFF_FFFFL;

        final List<Integer> defined = new ArrayList<>();
        final List<DataRecord> records = new ArrayList<>();
        int position = 16;
        while (position < length)
        {
            check(length - position >= 4, "set header past the message end");
            final int setId = in.getShort(position) & 0xFFFF;
            final int setLength = in.getShort(position + 2) & 0xFFFF;
            check(setLength >= 4 && position + setLength <= length, "set length " + setLength);
            final ByteBuffer set = in.slice(position + 4, setLength - 4);
            if (2 == setId || 3 == setId)
            {
                decodeTemplates(set, 3 == setId, defined);
            }
            else
            {
                check(setId >= 256, "reserved set id " + setId);
                final Template template = templates.get(setId);
                check(null != template, "data set " + setId + " without a template");
                decodeData(set, template, records);
            }
            position += setLength;
        }

        messages.add(new Message(length, exportTime, sequence, domain, defined, records));
        return length;
    }

    private void decodeTemplates(final ByteBuffer set, final boolean options, final List<Integer> defined)
    {
        while (set.remaining() >= 4)
        {
            final int id = set.getShort() & 0xFFFF;
            final int count = set.getShort() & 0xFFFF;
            check(id >= 256, "template id " + id);
            final int scope = options ? set.getShort() & 0xFFFF : 0;
            final List<FieldSpec> fields = new ArrayList<>();
            for (int i = 0; i < count; i++)
            {
                final int rawId = set.getShort() & 0xFFFF;
                final int fieldLength = set.getShort() & 0xFFFF;
                final long enterprise = 0 != (rawId & 0x8000) ? set.getInt() & 0xFFFF_FFFFL : 0;
                fields.add(new FieldSpec(rawId & 0x7FFF, fieldLength, enterprise));
            }
            templates.put(id, new Template(id, scope, fields));
            defined.add(id);
        }
    }

    private static void decodeData(final ByteBuffer set, final Template template, final List<DataRecord> records)
    {
        int minLength = 0;
        for (final FieldSpec field : template.fields())
        {
            minLength += 65535 == field.length() ? 1 : field.length();
        }

        while (set.remaining() >= minLength && set.hasRemaining())
        {
            final Map<String, byte[]> values = new LinkedHashMap<>();
            for (final FieldSpec field : template.fields())
            {
                int valueLength = field.length();
                if (65535 == valueLength)
                {
                    valueLength = set.get() & 0xFF;
                    if (255 == valueLength)
                    {
                        valueLength = set.getShort() & 0xFFFF;
                    }
                }
                check(valueLength <= set.remaining(), "field " + field.key() + " past the set end");
                final byte[] value = new byte[valueLength];
                set.get(value);
                check(null == values.put(field.key(), value), "field " + field.key() + " twice");
            }
            records.add(new DataRecord(template.id(), values));
        }
        check(!set.hasRemaining(), set.remaining() + " bytes left over in data set " + template.id());
    }

    private static void check(final boolean condition, final String problem)
    {
        if (!condition)
        {
            throw new AssertionError("malformed IPFIX: " + problem);
        }
    }
}
