"""The depot: device register, loaner swaps, scan station, buffer stock, queue, labels and
courier tracking."""
